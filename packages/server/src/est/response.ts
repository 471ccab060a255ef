/**
 * Writing EST answers. Header names go out exactly as written here: libest compares them
 * case-sensitively (memcmp), so they are canonical (`Content-Type`, `Content-Length`), and
 * every answer has an explicit Content-Length because libest cannot read chunked bodies.
 * Content types are byte-exact (one space, no quotes, lower case): libest compares the
 * prefix `application/pkcs7-mime; smime-type=certs-only`.
 */
import type { ServerResponse } from 'node:http';

export const EST_MEDIA = {
  pkcs10: 'application/pkcs10',
  certsOnly: 'application/pkcs7-mime; smime-type=certs-only',
  cacerts: 'application/pkcs7-mime',
  csrattrs: 'application/csrattrs',
  pkcs8: 'application/pkcs8',
  /** RFC 7030 4.4.2: an encrypted server-generated key (CMS EnvelopedData). */
  serverGeneratedKey: 'application/pkcs7-mime; smime-type=server-generated-key',
  text: 'text/plain; charset=utf-8',
} as const;

/** serverkeygen's multipart boundary, libest's: base64 bodies never contain '-'. */
export const MULTIPART_BOUNDARY = 'est-server-boundary';

export type HeaderList = readonly (readonly [string, string])[];

export function send(res: ServerResponse, status: number, headers: HeaderList, body: Buffer): void {
  const out: Record<string, string | number> = {};
  for (const [name, value] of headers) out[name] = value;
  out['Content-Length'] = body.length;
  res.writeHead(status, out);
  res.end(body);
}

/**
 * A base64 body with `Content-Transfer-Encoding: base64`: RFC 8951 deprecates the header
 * but older clients (RFC 7030 as first written, libest before 3.2) look for it, and clients
 * that follow RFC 8951 must ignore it, so sending it costs nothing.
 */
export const base64Headers = (contentType: string): HeaderList => [['Content-Type', contentType], ['Content-Transfer-Encoding', 'base64']];
