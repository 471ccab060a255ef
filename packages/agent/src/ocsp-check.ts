/**
 * Revocation of the agent's own certificate, learnt from the CA's OCSP responder (the URL
 * in the certificate's authorityInfoAccess, RFC 5280 4.2.2.1), asked with an RFC 5019 GET.
 * The answer counts only when verifyPath accepts it as signed for this certificate (RFC
 * 6960 4.2.2.2), so a forged "revoked" cannot make a device drop its identity.
 */
import { X509Certificate } from 'node:crypto';
import { request } from 'node:http';
import { certIdFor, encodeOcspRequest, parseCertificate, parseOcspResponse, verifyPath, type TrustStore } from '@fleetpki/core';

export type OwnStatus =
  | { readonly status: 'good' | 'revoked'; readonly producedAt: Date }
  | { readonly status: 'unknown'; readonly reason: string };

/** The first http OCSP URL of the AIA extension, or null. */
export function ocspUrlOf(der: Uint8Array): string | null {
  const info = new X509Certificate(der).infoAccess ?? '';
  return /OCSP - URI:(http:\/\/\S+)/.exec(info)?.[1] ?? null;
}

/** OCSPRequest { TBSRequest { requestList { Request { reqCert } } } } (RFC 6960 4.1.1), no nonce (RFC 5019 4). */
export function ocspRequestFor(leafDer: Uint8Array, issuerDer: Uint8Array): Buffer {
  const issuer = parseCertificate(issuerDer);
  const id = certIdFor({ subjectDer: issuer.subjectDer, subjectPublicKey: issuer.publicKey.subjectPublicKey }, parseCertificate(leafDer).serial);
  return encodeOcspRequest([id]);
}

function get(url: string, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { timeout: timeoutMs, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (b: Buffer) => parts.push(b));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(parts)) : reject(new Error(`OCSP HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('OCSP timeout')));
    req.on('error', reject);
    req.end();
  });
}

export async function checkOwnStatus(chain: readonly Uint8Array[], trust: TrustStore, now: Date, timeoutMs: number): Promise<OwnStatus> {
  const [leaf, issuer] = chain;
  const url = leaf ? ocspUrlOf(leaf) : null;
  if (!leaf || !issuer || !url) return { status: 'unknown', reason: 'no OCSP URL or issuer' };
  let der: Buffer;
  try {
    der = await get(`${url.replace(/\/+$/, '')}/${encodeURIComponent(ocspRequestFor(leaf, issuer).toString('base64'))}`, timeoutMs);
  } catch (e) {
    return { status: 'unknown', reason: (e as Error).message };
  }
  const parsed = parseOcspResponse(der);
  if (parsed.status !== 'successful') return { status: 'unknown', reason: `OCSP ${parsed.status}` };
  const r = verifyPath({ leaf, intermediates: chain.slice(1), anchors: trust.anchors(), now, usage: 'clientAuth', revocation: { ocspResponses: [der], mode: 'require', scope: 'leaf' } });
  if (r.ok) return { status: 'good', producedAt: parsed.producedAt };
  if (r.code === 'CERT_REVOKED') return { status: 'revoked', producedAt: parsed.producedAt };
  return { status: 'unknown', reason: `${r.code}: ${r.message}` };
}
