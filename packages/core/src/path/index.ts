/** The path validator's public surface (RFC 5280 section 6). */
export * from './types.js';
