/** CMS structures EST speaks (RFC 7030 4.1.3, 4.4.2, 4.5.2); trust bundles' signed CMS is in trust/. */
export { CERTS_ONLY_MAX_CERTIFICATES, OID_CMS_DATA, OID_CMS_SIGNED_DATA, encodeCertsOnly, parseCertsOnly } from './certs-only.js';
export { CSR_ATTRS_MAX_BYTES, encodeCsrAttrs, parseCsrAttrs, type AttrOrOid } from './csr-attrs.js';
export { OID_ASYMMETRIC_KEY_PACKAGE, OID_CMS_ENVELOPED_DATA, asymmetricKeyPackage, encodeEnvelopedData, type EnvelopeInput } from './enveloped-data.js';
export { type KeyRecipient, type RandomBytes, type RsaPadding } from './recipient-info.js';
export { readRecipientCertificate, type RecipientCertificate } from './recipient-certificate.js';
export { frameSignedData, readFrameHead, readFrameTail, type FrameLayout, type FrameParams, type FrameTail, type SignedDataFrame } from './signed-data-frame.js';
export { signerDigest } from '../trust/cms-signed-data.js';
