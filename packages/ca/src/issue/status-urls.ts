/** The URLs certificates carry (RFC 5280 4.2.1.13 CRL DP, 4.2.2.1 AIA), one place for all CAs. */
import type { StatusUrls } from '@fleetpki/core';

export function statusUrls(publicUrl: string, caName: string): StatusUrls {
  const base = publicUrl.replace(/\/+$/, '');
  return { crl: [`${base}/crl/${caName}.crl`], ocsp: [`${base}/ocsp`], caIssuers: [`${base}/ca/${caName}.crt`] };
}
