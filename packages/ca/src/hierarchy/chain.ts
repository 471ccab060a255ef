/**
 * Checks a CA certificate and its chain up to a self-signed root before import: each
 * link's issuer name matches the next subject, the next is a CA, and every signature
 * verifies (RFC 5280 6.1.3 (a)(1), (a)(4); 6.1.4 (k)). Full path validation with policy
 * and revocation is issue 4's verifyPath; this guards the import step.
 */
import { type Certificate, parseCertificate, publicKeyObject, verifySignature } from '@fleetpki/core';
import { ServiceError } from '../errors.js';

function checkLink(child: Certificate, parent: Certificate, at: number): void {
  if (Buffer.compare(Buffer.from(child.issuerDer), Buffer.from(parent.subjectDer)) !== 0) {
    throw new ServiceError('CHAIN_INVALID', `certificate ${at}: issuer name does not match the next certificate's subject`);
  }
  if (!parent.basicConstraints?.cA) throw new ServiceError('CHAIN_INVALID', `certificate ${at + 1} is not a CA`);
  const { algorithm, pss } = child.signatureAlgorithm;
  if (!verifySignature(algorithm, publicKeyObject(parent.publicKey), child.tbs, child.signature, pss)) {
    throw new ServiceError('CHAIN_INVALID', `certificate ${at}: signature does not verify with the next certificate's key`);
  }
}

/** Parses and checks [leafCa, ...intermediates, root]; returns the parsed certificates. */
export function checkCaChain(ders: readonly Uint8Array[]): Certificate[] {
  const certs = ders.map((d) => parseCertificate(d));
  if (certs.length < 2) throw new ServiceError('CHAIN_INVALID', 'the chain must reach a self-signed root');
  for (let i = 0; i + 1 < certs.length; i++) checkLink(certs[i]!, certs[i + 1]!, i);
  const root = certs[certs.length - 1]!;
  checkLink(root, root, certs.length - 1);
  return certs;
}
