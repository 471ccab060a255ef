/**
 * Reading a signed batch manifest file in constant memory (core/cms/signed-data-frame.ts):
 * the head from the first 64 KiB, the content streamed once through its digest and the
 * line parser, the tail (certificates and SignerInfo) from what follows the content.
 * Every device line goes to `onEntry`; the header and the count are checked here. The
 * content is only parsed, never trusted: a parse failure is kept, not thrown, so that the
 * caller reports a bad signature before anything the content says.
 */
import { StringDecoder } from 'node:string_decoder';
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import {
  ManifestError, isPkiError, parseManifestLine, readFrameHead, readFrameTail, type FrameLayout, type FrameTail, type ManifestHeader, type ManifestLineEntry,
} from '@fleetpki/core';

const HEAD_BYTES = 64 * 1024;
/** A manifest carries the signer's certificate and its chain below the root. */
const MAX_CERTIFICATES = 8;

export interface ManifestRead {
  readonly layout: FrameLayout;
  readonly tail: FrameTail;
  readonly digest: Buffer;
  /** What the content says, or why it does not parse. */
  readonly content: { readonly header: ManifestHeader; readonly count: number } | { readonly error: ManifestError };
}

function readAt(path: string, offset: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const out = Buffer.alloc(length);
    const n = readSync(fd, out, 0, length, offset);
    return out.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** PkiError (BAD_DER) of the envelope becomes MANIFEST_MALFORMED; the rest propagates. */
function envelope<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (isPkiError(e)) throw new ManifestError('MANIFEST_MALFORMED', `manifest envelope: ${e.message}`);
    throw e;
  }
}

/** Lines of the content in order: the header first, the count last, devices between. */
class LineChecker {
  header: ManifestHeader | null = null;
  entries = 0;
  count: number | null = null;

  constructor(private readonly onEntry: (e: ManifestLineEntry) => void) {}

  line(text: string): void {
    const l = parseManifestLine(text);
    const misplaced = (what: string): ManifestError => new ManifestError('MANIFEST_MALFORMED', `manifest content: ${what}`);
    if (this.count !== null) throw misplaced('a line after the count');
    if (l.kind === 'header') { if (this.header) throw misplaced('a second header'); this.header = l.header; return; }
    if (!this.header) throw misplaced('the first line is not the header');
    if (l.kind === 'entry') { this.entries++; this.onEntry(l.entry); return; }
    if (l.count !== this.entries) throw misplaced(`the count says ${l.count}, there are ${this.entries} devices`);
    this.count = l.count;
  }
}

export async function readManifestFile(path: string, onEntry: (e: ManifestLineEntry) => void = () => {}): Promise<ManifestRead> {
  const size = statSync(path).size;
  const layout = envelope(() => readFrameHead(readAt(path, 0, Math.min(size, HEAD_BYTES)), size));
  const tail = envelope(() => readFrameTail(readAt(path, layout.contentEnd, size - layout.contentEnd), MAX_CERTIFICATES));
  const hash = createHash(layout.digestAlgorithm);
  const lines = new LineChecker(onEntry);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let error: ManifestError | null = null;
  const take = (text: string): void => {
    if (error) return;
    try { lines.line(text); } catch (e) { if (e instanceof ManifestError) error = e; else throw e; }
  };
  if (layout.contentEnd > layout.contentStart) {
    for await (const piece of createReadStream(path, { start: layout.contentStart, end: layout.contentEnd - 1 })) {
      hash.update(piece as Buffer);
      const parts = (rest + decoder.write(piece as Buffer)).split('\n');
      rest = parts.pop()!;
      for (const p of parts) take(p);
    }
  }
  const digest = hash.digest();
  error ??= rest !== '' ? new ManifestError('MANIFEST_MALFORMED', 'manifest content: the last line has no newline')
    : !lines.header || lines.count === null ? new ManifestError('MANIFEST_MALFORMED', 'manifest content: the header or the count is missing') : null;
  return { layout, tail, digest, content: error ? { error } : { header: lines.header!, count: lines.count! } };
}
