/**
 * The `csr` field of an issuance request: PEM (RFC 7468, "CERTIFICATE REQUEST" or the
 * legacy "NEW CERTIFICATE REQUEST" label), or base64 DER without armour, as EST clients
 * and scripts piping `openssl req -outform DER | base64` send it. Only the text encoding
 * is decoded here; the DER itself is parsed once, by the CA.
 */
import { fromPem, PkiError } from '@fleetpki/core';

const CSR_LABELS = ['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST'] as const;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function decodeCsrText(text: string): Uint8Array {
  if (text.includes('-----BEGIN')) return fromPem(text, CSR_LABELS);
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0 || !BASE64.test(compact)) {
    throw new PkiError('BAD_PEM', 'csr is neither PEM nor base64 DER');
  }
  return Buffer.from(compact, 'base64');
}
