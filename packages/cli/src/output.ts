/**
 * How results leave a command: human text by default, one JSON document with --json,
 * PEM for certificates. Commands build one plain view object and hand it here with a
 * function that renders it for people, so both forms always say the same thing.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Io } from './io.js';

export class Output {
  constructor(private readonly io: Io, readonly json: boolean) {}

  /** Prints `view` as JSON, or the lines `human` renders from it. */
  result<T>(view: T, human: (v: T) => readonly string[]): void {
    if (this.json) this.io.out(`${JSON.stringify(view, null, 2)}\n`);
    else this.lines(human(view));
  }

  lines(lines: readonly string[]): void {
    if (lines.length) this.io.out(`${lines.join('\n')}\n`);
  }

  /** Raw text (PEM) on stdout, as `openssl x509` prints without -out. */
  raw(text: string): void {
    this.io.out(text);
  }

  /** Progress and hints go to stderr so stdout stays a clean result. */
  note(line: string): void {
    this.io.err(`${line}\n`);
  }
}

/** SHA-256 fingerprint as `openssl x509 -fingerprint -sha256` prints it. */
export function fingerprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
}

/** Left-aligned columns under a header; the last column is not padded. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

/** `key: value` lines with the values aligned; undefined values are left out. */
export function fields(pairs: readonly (readonly [string, string | number | null | undefined])[]): string[] {
  const shown = pairs.filter(([, v]) => v !== undefined);
  const width = Math.max(...shown.map(([k]) => k.length)) + 1;
  return shown.map(([k, v]) => `${`${k}:`.padEnd(width)} ${v ?? '-'}`);
}

/** Certificates and CSRs are public: world-readable files, overwritten like openssl -out does. */
export function writePublicFile(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o644 });
}
