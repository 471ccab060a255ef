/** RFC 7468 textual encoding. */
import { PkiError } from '../errors.js';

export function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Every PEM block in `text`, in order; labels filter when given. */
export function fromPemAll(text: string, labels?: readonly string[]): { label: string; der: Buffer }[] {
  const out: { label: string; der: Buffer }[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const label = m[1] as string;
    if (labels && !labels.includes(label)) continue;
    const body = (m[2] as string).replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw new PkiError('BAD_PEM', `bad base64 in ${label}`);
    out.push({ label, der: Buffer.from(body, 'base64') });
  }
  return out;
}

export function fromPem(text: string, labels: readonly string[]): Buffer {
  const [first] = fromPemAll(text, labels);
  if (!first) throw new PkiError('BAD_PEM', `no ${labels.join(' or ')} PEM block found`);
  return first.der;
}
