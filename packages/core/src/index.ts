/**
 * @fleetpki/core: the pure PKI library. It parses and builds DER, names, extensions,
 * CSRs, certificates, CRLs and OCSP messages, compiles profiles and prepares certificates.
 * It does no I/O, reads no clock (callers pass `now`) and draws no randomness (callers
 * pass serials).
 */
export { PKI_ERRORS, PKI_ERROR_CODES, PkiError, isPkiError, type PkiErrorCode } from './errors.js';
export { fromPem, fromPemAll, toPem } from './der/pem.js';
export { DER_LIMITS } from './der/reader.js';
export {
  SIGNATURE_ALGORITHMS, algorithmIdentifier, signatureAlgorithmByName,
  type SignatureAlgorithm, type SignatureAlgorithmName, type HashName,
} from './crypto/algorithms.js';
export { KEY_TYPES, keyIdentifier, parseSpkiDer, publicKeyObject, type KeyType, type PublicKeyInfo } from './crypto/public-key.js';
export type { Signer } from './crypto/signer.js';
export { verifySignature } from './crypto/verify.js';
export { buildCsr, type CsrFields } from './x509/csr-build.js';
export { CSR_MAX_BYTES, parseAndVerifyCsr, parseCsr, verifyCsr, type Csr } from './x509/csr.js';
export { CERTIFICATE_MAX_BYTES, certificateKeyId, certificateSha256, parseCertificate, subjectString, type Certificate } from './x509/certificate.js';
export { NAME_ATTRIBUTES, attribute, encodeName, formatName, parseName, parseNameString, type Name, type NameAttribute } from './x509/name.js';
export { formatGeneralName, type GeneralName } from './x509/general-name.js';
export { EXTENSION_OIDS, type Extension } from './x509/extensions/extension.js';
export { KEY_PURPOSES } from './x509/extensions/ext-key-usage.js';
export { encodeNameConstraints, type NameConstraints, type Subtree } from './x509/extensions/name-constraints.js';
export { findNameConstraintViolation } from './x509/name-constraints-check.js';
export { parseDuration } from './profile/duration.js';
export type { NameRule, ProfileKind, ProfileSpec } from './profile/spec.js';
export { compileProfile, compileProfiles, type Profile } from './profile/compile.js';
export { BUILTIN_PROFILES } from './profile/builtin.js';
export type { IssuerContext, StatusUrls } from './issue/issuer.js';
export { prepare, type IssuanceRequest, type PrepareContext, type PreparedCertificate } from './issue/prepare.js';
export { issue, assembleSigned } from './issue/issue.js';
export { DEVICE_ID_PATTERN, checkDeviceId } from './issue/subject-alt-names.js';
export { AUDIT_GENESIS_HASH, AuditChainVerifier, auditHash, auditHashOfCanonicalDetail, canonicalJson, verifyAuditChain, type AuditEntry, type AuditVerification, type ChainedAuditEntry } from './audit/chain.js';
export { CRL_REASONS, REVOCATION_REASONS, crlReasonCode, crlReasonFromCode, parseRevocationReason, type CrlReason } from './revocation/reason.js';
export { buildCrl, encodeTbsCrl, type CrlEntry, type CrlFields } from './crl/build.js';
export { concatEncodedEntries, encodeEntries, type EncodedEntries } from './crl/entries.js';
export { CRL_LIMITS, parseCrl, type Crl, type CrlParseOptions } from './crl/parse.js';
export { CRL_ENTRY_EXTENSION_OIDS, CRL_EXTENSION_OIDS, type IssuingDistributionPoint } from './crl/extensions.js';
export { parseCrlDetailed, type DetailedCrl, type DetailedCrlEntry } from './crl/parse.js';
export { ALL_REASONS, parseCrlDistributionPoints, parseCrlScope, type CrlScope, type DistributionPoint, type DistributionPointName } from './crl/distribution-points.js';
export { OCSP_HASH_OIDS, certIdFor, certIdIssuedBy, encodeCertId, issuerHashes, type CertId, type OcspHash, type OcspIssuer } from './ocsp/cert-id.js';
export { NONCE_MAX_OCTETS, OID_PKIX_OCSP_NONCE } from './ocsp/nonce.js';
export { OCSP_REQUEST_LIMITS, parseOcspRequest, type OcspRequest, type OcspRequestOptions } from './ocsp/request.js';
export { encodeOcspRequest } from './ocsp/request-build.js';
export { encodeSingleResponse, type OcspCertStatus, type SingleResponse, type SingleResponseFields } from './ocsp/single-response.js';
export {
  OCSP_RESPONSE_STATUS, OID_PKIX_OCSP_BASIC, buildOcspResponse, encodeResponseData, ocspErrorResponse, ocspResponderKeyId,
  type OcspResponseFields, type OcspResponseStatus,
} from './ocsp/response.js';
export { OCSP_RESPONSE_MAX_BYTES, parseOcspResponse, type BasicOcspResponse, type OcspResponse } from './ocsp/response-parse.js';
export * from './path/index.js';
export * from './trust/index.js';
export * from './cms/index.js';
export * from './rules/index.js';
export * from './batch/index.js';
