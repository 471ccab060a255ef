/**
 * EST request bodies (RFC 7030 4.2.1 as updated by RFC 8951 3.2): base64 of the DER, sent
 * by real clients with line breaks (libest, OpenSSL BIO), without (globalsign/est), with or
 * without Content-Transfer-Encoding (RFC 8951: receivers must not depend on it, so its
 * value is ignored), and by some hand-made clients as PEM. All of these decode here;
 * anything that is not base64 is refused by the caller (400).
 */

/** The media type alone, lower-cased, parameters dropped (RFC 9110 8.3.1: type and subtype are case-insensitive). */
export function mediaTypeOf(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

const PEM_BODY = /-----BEGIN [A-Z0-9 ]+-----([\s\S]*?)-----END [A-Z0-9 ]+-----/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The DER bytes of a base64 (or PEM) body, or null when it is not base64. Whitespace
 * anywhere is dropped (line breaks of any width, trailing CR/LF); missing padding is
 * tolerated because the length still determines the bytes.
 */
export function decodeBase64Body(body: Buffer): Buffer | null {
  let text = body.toString('latin1');
  const pem = PEM_BODY.exec(text);
  if (pem) text = pem[1]!;
  text = text.replace(/[\s]+/g, '');
  if (text.length === 0 || !BASE64.test(text) || text.length % 4 === 1) return null;
  const padded = text.length % 4 === 0 ? text : text + '='.repeat(4 - (text.length % 4));
  if (/=[^=]/.test(padded) || padded.length % 4 !== 0) return null;
  return Buffer.from(padded, 'base64');
}

/** Base64 wrapped at 64 characters with LF, as OpenSSL's BIO and libest's server write it. */
export function encodeBase64Body(der: Uint8Array): Buffer {
  const b64 = Buffer.from(der).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return Buffer.from(`${lines.join('\n')}\n`, 'latin1');
}
