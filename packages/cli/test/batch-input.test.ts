/** The batch command's pieces that need no deployment: the CSV reader, the JSON Lines decoder, the progress line. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { BatchInputItem } from '@fleetpki/ca';
import { countRecords, readBatchInput } from '../src/batch-input.js';
import { forEachCsvRecord } from '../src/csv.js';
import type { Io } from '../src/io.js';
import { Progress } from '../src/progress.js';

const dir = mkdtempSync(join(tmpdir(), 'fleetpki-batch-input-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function records(text: string, pieces = 3): Promise<{ line: number; fields: string[] }[]> {
  const size = Math.ceil(text.length / pieces);
  const source = Array.from({ length: pieces }, (_, i) => text.slice(i * size, (i + 1) * size));
  const out = [];
  for await (const r of forEachCsvRecord((async function* () { yield* source; })())) out.push(r);
  return out;
}

async function read(name: string, text: string, withCsr = true): Promise<BatchInputItem[]> {
  const path = join(dir, name);
  writeFileSync(path, text);
  const out: BatchInputItem[] = [];
  for await (const i of readBatchInput(path, name.endsWith('.csv') ? 'csv' : 'jsonl', withCsr)) out.push(i);
  return out;
}

describe('CSV (RFC 4180)', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF or LF, whatever the pieces', async () => {
    const text = 'a,b,c\r\n1,"x, ""y""",3\n"multi\nline",,last\n';
    for (const pieces of [1, 2, 5, text.length]) {
      assert.deepEqual(await records(text, pieces), [
        { line: 1, fields: ['a', 'b', 'c'] }, { line: 2, fields: ['1', 'x, "y"', '3'] }, { line: 3, fields: ['multi\nline', '', 'last'] },
      ]);
    }
  });

  it('keeps a last record without a line end', async () => {
    assert.deepEqual(await records('a\n1'), [{ line: 1, fields: ['a'] }, { line: 2, fields: ['1'] }]);
  });
});

describe('batch input', () => {
  const csr = '-----BEGIN CERTIFICATE REQUEST-----\nMAA=\n-----END CERTIFICATE REQUEST-----';

  it('JSON Lines: attributes from the object and from every other string field; faults with their line numbers', async () => {
    const items = await read('in.jsonl', [
      JSON.stringify({ deviceId: 'd1', csr, line: '7', attributes: { firmware: '2.4' } }), '',
      '{"deviceId": "d2", "csr": 5}', 'not json', JSON.stringify({ csr }), JSON.stringify({ deviceId: 'd3', csr: 'MAA=', count: 3 }),
    ].join('\n'));
    assert.deepEqual(items, [
      { kind: 'request', request: { line: 1, deviceId: 'd1', csrDer: Buffer.from([0x30, 0x00]), attributes: { firmware: '2.4', line: '7' } } },
      { kind: 'fault', fault: { line: 3, deviceId: 'd2', message: 'csr is missing or not a string' } },
      { kind: 'fault', fault: { line: 4, deviceId: null, message: 'the line is not JSON' } },
      { kind: 'fault', fault: { line: 5, deviceId: null, message: 'deviceId is missing or not a string' } },
      { kind: 'fault', fault: { line: 6, deviceId: 'd3', message: 'attribute count is not a string' } },
    ]);
    assert.equal(await countRecords(join(dir, 'in.jsonl'), 'jsonl'), 5);
  });

  it('CSV: a header row, every other column an attribute; key generation takes no csr', async () => {
    const items = await read('in.csv', `deviceId,csr,line\nd1,"${csr}",7\nd2,,8\n`, false);
    assert.deepEqual(items, [
      { kind: 'fault', fault: { line: 2, deviceId: 'd1', message: 'a key-generation batch takes no csr' } },
      { kind: 'request', request: { line: 5, deviceId: 'd2', csrDer: null, attributes: { line: '8' } } },
    ]);
    assert.equal(await countRecords(join(dir, 'in.csv'), 'csv'), 2);
  });
});

describe('progress', () => {
  function capture(terminal: boolean) {
    let text = '';
    let t = 0;
    const io = { err: (s: string) => { text += s; } } as unknown as Io;
    const p = new Progress(io, 'batch B7', terminal, () => t);
    return { p, advance: (ms: number) => { t += ms; }, text: () => text };
  }

  it('on a terminal: one line redrawn in place with bar, done/total, rate and ETA', () => {
    const c = capture(true);
    c.advance(2000);
    c.p.update({ done: 500, total: 1000, detail: 'issued 500' });
    c.advance(50);
    c.p.update({ done: 510, total: 1000, detail: 'issued 510' });
    c.p.end();
    assert.equal(c.text(), '\r\x1b[2Kbatch B7 [############............]  50.0% 500/1000 250/s ETA 00:02 issued 500\n');
  });

  it('elsewhere: a plain line at most every five seconds, and the last one when forced', () => {
    const c = capture(false);
    c.advance(1000);
    c.p.update({ done: 10, total: null, detail: 'x' });
    c.advance(4000);
    c.p.update({ done: 50, total: null, detail: 'x' });
    c.advance(1000);
    c.p.update({ done: 60, total: null, detail: 'x' });
    c.p.update({ done: 60, total: 60, detail: 'done' }, true);
    c.p.end();
    assert.equal(c.text(), 'batch B7: 50 10/s ETA --:-- x\nbatch B7: 60/60 10/s ETA 00:00 done\n');
  });
});
