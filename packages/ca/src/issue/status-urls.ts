/**
 * The URLs certificates carry (RFC 5280 4.2.1.13 CRL DP, 4.2.2.1 AIA) and the CRLs are
 * served at, one place for all CAs. CA names hold no dots, so the file names are
 * unambiguous: <ca>.crl, <ca>.delta.crl, and with shards <ca>.<shard>.crl,
 * <ca>.<shard>.delta.crl (each shard's CRL names itself in its Issuing Distribution Point).
 */
import type { StatusUrls } from '@fleetpki/core';

const trim = (publicUrl: string): string => publicUrl.replace(/\/+$/, '');

/** shard is null when CRLs are not sharded. */
export function crlUrl(publicUrl: string, caName: string, shard: number | null, kind: 'full' | 'delta'): string {
  return `${trim(publicUrl)}/crl/${caName}${shard === null ? '' : `.${shard}`}${kind === 'delta' ? '.delta' : ''}.crl`;
}

export function statusUrls(publicUrl: string, caName: string): StatusUrls {
  const base = trim(publicUrl);
  return { crl: [crlUrl(publicUrl, caName, null, 'full')], ocsp: [`${base}/ocsp`], caIssuers: [`${base}/ca/${caName}.crt`] };
}
