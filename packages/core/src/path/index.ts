/** The path validator's public surface (RFC 5280 section 6). */
export * from './types.js';
export { verifyPath } from './verify-path.js';
export { PATH_ERRORS, PATH_ERROR_CODES } from './codes.js';
export { PROCESSED_EXTENSIONS } from './critical-extensions.js';
export { USAGE_EKU, ANY_EXTENDED_KEY_USAGE } from './eku.js';
export { dnsMatches } from './peer-name.js';
export { publicKeyFor } from './cert-info.js';
export { presentedChain, MAX_PRESENTED_CHAIN, type LinkedPeerCertificate } from './presented-chain.js';
export { processPolicies, type PolicyResult } from './policy.js';
export { checkRevocation, type RevocationContext, type RevocationResult } from './revocation.js';
export type { PolicyProcessingInputs } from './policy.js';
export { MAX_POLICY_GRAPH_SIZE } from './policy-graph.js';
export { ANY_POLICY, type PolicyInformation, type PolicyQualifier } from '../x509/extensions/certificate-policies.js';
