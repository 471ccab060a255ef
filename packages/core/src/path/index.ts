/** The path validator's public surface (RFC 5280 section 6). */
export * from './types.js';
export { processPolicies, type PolicyResult } from './policy.js';
export type { PolicyProcessingInputs } from './policy.js';
export { MAX_POLICY_GRAPH_SIZE } from './policy-graph.js';
export { ANY_POLICY, type PolicyInformation, type PolicyQualifier } from '../x509/extensions/certificate-policies.js';
