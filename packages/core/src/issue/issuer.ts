/** What prepare() needs to know about the CA that will sign. Built once per CA by `ca`. */
import type { SignatureAlgorithmName } from '../crypto/algorithms.js';
import type { NameConstraints } from '../x509/extensions/name-constraints.js';

export interface StatusUrls {
  /** CRL distribution point URLs (RFC 5280 4.2.1.13). */
  readonly crl: readonly string[];
  /** AIA id-ad-ocsp URLs (RFC 5280 4.2.2.1). */
  readonly ocsp: readonly string[];
  /** AIA id-ad-caIssuers URLs. */
  readonly caIssuers: readonly string[];
}

export interface IssuerContext {
  readonly name: string;
  /** The issuer's subject Name DER, copied verbatim into the issuer field (RFC 5280 4.1.2.4). */
  readonly subjectDer: Uint8Array;
  /** Key identifier for the AuthorityKeyIdentifier (RFC 5280 4.2.1.1); null when self-signing. */
  readonly keyId: Uint8Array | null;
  readonly notAfter: Date | null;
  readonly signatureAlgorithm: SignatureAlgorithmName;
  readonly nameConstraints: NameConstraints | null;
  readonly urls: StatusUrls;
  /** Prefix of device id URIs under this CA, e.g. "device://devices.example.com/". */
  readonly deviceIdUriPrefix: string;
}
