/**
 * Making CA certificates: the self-signed root (RFC 5280 4.2.1.1 lets it omit the AKI)
 * and a subordinate CA signed by a given issuer. Used by the offline ceremony commands
 * and by the server for online CAs; no store involved.
 */
import {
  certificateKeyId, encodeName, issue, parseCertificate, prepare, type Name, type NameConstraints,
  type Profile, type PublicKeyInfo, type Signer, type StatusUrls, parseSpkiDer,
} from '@fleetpki/core';
import { ServiceError } from '../errors.js';

export const NO_URLS: StatusUrls = Object.freeze({ crl: [], ocsp: [], caIssuers: [] });

export interface RootInput {
  readonly profile: Profile;
  readonly subject: Name;
  readonly signer: Signer;
  readonly validitySeconds?: number;
  readonly now: Date;
  readonly serial: Uint8Array;
}

export async function createRootCertificate(input: RootInput): Promise<Buffer> {
  if (input.profile.kind !== 'root') throw new ServiceError('PROFILE_NOT_ALLOWED', `${input.profile.name} is not a root profile`);
  const context = {
    name: 'root', subjectDer: encodeName(input.subject), keyId: null, notAfter: null,
    signatureAlgorithm: input.signer.algorithm, nameConstraints: null, urls: NO_URLS, deviceIdUriPrefix: '',
  };
  const prepared = prepare(input.profile, context, {
    publicKey: parseSpkiDer(input.signer.publicKeyDer), subject: input.subject, subjectAltNames: [],
    ...(input.validitySeconds !== undefined ? { validitySeconds: input.validitySeconds } : {}),
  }, { now: input.now, serial: input.serial });
  return issue(prepared, input.signer);
}

export interface SubordinateInput {
  readonly profile: Profile;
  readonly issuerCertificateDer: Uint8Array;
  readonly issuerSigner: Signer;
  readonly publicKey: PublicKeyInfo;
  readonly subject: Name;
  readonly nameConstraints?: NameConstraints;
  readonly validitySeconds?: number;
  /** Status URLs of the issuer that the new CA certificate carries. */
  readonly urls?: StatusUrls;
  readonly now: Date;
  readonly serial: Uint8Array;
}

/** The issuer context of a CA certificate and its key, checked to belong together. */
export function issuerContextOf(certificateDer: Uint8Array, signer: Signer, urls: StatusUrls = NO_URLS, name = 'issuer') {
  const cert = parseCertificate(certificateDer);
  if (Buffer.compare(Buffer.from(cert.publicKey.spki), Buffer.from(signer.publicKeyDer)) !== 0) {
    throw new ServiceError('CA_CERTIFICATE_MISMATCH', 'the signing key does not belong to the issuer certificate');
  }
  if (!cert.basicConstraints?.cA) throw new ServiceError('CHAIN_INVALID', 'the issuer certificate is not a CA (RFC 5280 4.2.1.9)');
  return {
    cert,
    context: {
      name, subjectDer: cert.subjectDer, keyId: certificateKeyId(cert), notAfter: cert.notAfter,
      signatureAlgorithm: signer.algorithm, nameConstraints: cert.nameConstraints, urls, deviceIdUriPrefix: '',
    },
  };
}

export async function signSubordinateCa(input: SubordinateInput): Promise<Buffer> {
  if (input.profile.kind !== 'ca') throw new ServiceError('PROFILE_NOT_ALLOWED', `${input.profile.name} is not a CA profile`);
  const { context } = issuerContextOf(input.issuerCertificateDer, input.issuerSigner, input.urls);
  const prepared = prepare(input.profile, context, {
    publicKey: input.publicKey, subject: input.subject, subjectAltNames: [],
    ...(input.nameConstraints ? { nameConstraints: input.nameConstraints } : {}),
    ...(input.validitySeconds !== undefined ? { validitySeconds: input.validitySeconds } : {}),
  }, { now: input.now, serial: input.serial });
  return issue(prepared, input.issuerSigner);
}
