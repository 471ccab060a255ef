/**
 * The certificate chain a TLS peer presented, leaf first, as DER: what verifyPath takes as
 * `leaf` and `intermediates`. Read from node's detailed peer certificate (the shape of
 * `TLSSocket.getPeerCertificate(true)`), which links each certificate to its issuer; the
 * walk stops at a repeat (a self-signed certificate links to itself) and after 16.
 */
export interface LinkedPeerCertificate {
  readonly raw?: Uint8Array;
  readonly issuerCertificate?: LinkedPeerCertificate;
}

export const MAX_PRESENTED_CHAIN = 16;

export function presentedChain(peer: LinkedPeerCertificate | null | undefined): Uint8Array[] {
  const out: Uint8Array[] = [];
  let c = peer;
  while (c?.raw && out.length < MAX_PRESENTED_CHAIN) {
    const raw = c.raw;
    if (out.some((d) => Buffer.compare(d, raw) === 0)) break;
    out.push(raw);
    c = c.issuerCertificate;
  }
  return out;
}
