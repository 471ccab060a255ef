/** Trust stores and signed trust bundles (root renewal without a recall); decision 005. */
export { TRUST_ERRORS, TRUST_ERROR_CODES, TrustError, isTrustError, type TrustErrorCode } from './codes.js';
export {
  PIN_KINDS, SHA256_BYTES, anchorLabel, anchorsOverlap, certificateAnchor, certificateSatisfies, formatPin, parsePin, pinAnchor, pinOf,
  type AnchorPin, type PinKind,
} from './anchor.js';
export { MAX_BUNDLE_SEQUENCE, TrustStore } from './store.js';
export { TRUST_STORE_FORMAT, TRUST_STORE_LIMITS, TRUST_STORE_VERSION, encodeTrustStore, parseTrustStore, type TrustStoreParseResult } from './store-json.js';
export { TRUST_BUNDLE_MAX_ANCHORS, TRUST_BUNDLE_VERSION, type TrustBundleContent, type TrustBundleFields } from './bundle-content.js';
export { OID_TRUST_BUNDLE, TRUST_BUNDLE_MAX_BYTES, createTrustBundle } from './bundle.js';
export { verifyTrustBundle, type TrustBundleErrorCode, type TrustBundleFailure, type TrustBundleResult, type TrustBundleSuccess } from './bundle-verify.js';
