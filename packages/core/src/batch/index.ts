/** Factory batch manifests: the signed list of what a batch issued (issue 8). */
export { MANIFEST_ERRORS, MANIFEST_ERROR_CODES, ManifestError, isManifestError, type ManifestErrorCode } from './codes.js';
export {
  MANIFEST_FORMAT, OID_BATCH_MANIFEST, manifestEntryLine, manifestHeaderLine, manifestTrailerLine, parseManifestLine,
  type ManifestHeader, type ManifestLine, type ManifestLineEntry,
} from './manifest.js';
export { verifyManifestSignature, type ManifestVerification, type ManifestVerifyInput } from './manifest-verify.js';
