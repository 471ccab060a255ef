/** The error table: complete, one status per code, and docs/errors.md in step with it (fastify's errors.test.js). */
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_KIND, SERVICE_ERROR_KINDS, ServiceError } from '@fleetpki/ca';
import { PkiError } from '@fleetpki/core';
import { classify, HTTP_ERRORS, KIND_STATUS, PROBLEM_CODES } from '../src/errors.js';
import { bearerToken } from '../src/auth.js';
import { decodeCsrText } from '../src/csr-input.js';

const DOC = new URL('../../../../docs/errors.md', import.meta.url);

describe('error table', () => {
  it('gives every service error kind a 4xx or 5xx status', () => {
    assert.deepEqual(Object.keys(KIND_STATUS).sort(), [...SERVICE_ERROR_KINDS].sort());
    for (const s of Object.values(KIND_STATUS)) assert.ok(s >= 400 && s < 600);
  });

  it('lists each code once, HTTP-level codes apart from the CA codes', () => {
    assert.equal(new Set(PROBLEM_CODES).size, PROBLEM_CODES.length);
    for (const code of Object.keys(HTTP_ERRORS)) assert.equal(code in ERROR_KIND, false, code);
  });

  it('classifies core and service errors by kind, and nothing else', () => {
    assert.deepEqual(classify(new PkiError('WEAK_KEY'), 1024), { code: 'WEAK_KEY', status: 422, detail: 'public key is too small', origin: 'service' });
    assert.deepEqual(classify(new ServiceError('QUOTA_EXCEEDED'), 1024)?.status, 403);
    assert.equal(classify(new Error('ECONNRESET'), 1024), null);
    assert.equal(classify('a string', 1024), null);
  });

  it('is documented in docs/errors.md, every code and only those', () => {
    const documented = [...readFileSync(DOC, 'utf8').matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual([...documented].sort(), [...PROBLEM_CODES].sort());
  });

  it('shows in docs/errors.md the kind and status this table answers with', () => {
    const rows = [...readFileSync(DOC, 'utf8').matchAll(/^\| `([A-Z0-9_]+)` \| ([a-z_A-Z]+) \((\d{3})\) \|/gm)];
    assert.equal(rows.length, PROBLEM_CODES.length, 'every row has the form | `CODE` | kind (status) |');
    for (const m of rows) {
      const [, code, kind, status] = m as unknown as [string, string, string, string];
      const expected = code in HTTP_ERRORS
        ? ['HTTP', HTTP_ERRORS[code as keyof typeof HTTP_ERRORS].status]
        : [ERROR_KIND[code as keyof typeof ERROR_KIND], KIND_STATUS[ERROR_KIND[code as keyof typeof ERROR_KIND]]];
      assert.deepEqual([kind, Number(status)], expected, code);
    }
  });
});

describe('request decoding', () => {
  it('reads only RFC 6750 bearer credentials', () => {
    assert.equal(bearerToken('Bearer fpk_ab_cd'), 'fpk_ab_cd');
    assert.equal(bearerToken('bearer  abc=='), 'abc==');
    assert.equal(bearerToken('Basic abc'), undefined);
    assert.equal(bearerToken('Bearer a b'), undefined);
    assert.equal(bearerToken(undefined), undefined);
  });

  it('decodes a CSR from PEM or base64 DER, and refuses other text as BAD_PEM', () => {
    const pem = '-----BEGIN NEW CERTIFICATE REQUEST-----\nMAA=\n-----END NEW CERTIFICATE REQUEST-----\n';
    assert.deepEqual([...decodeCsrText(pem)], [0x30, 0x00]);
    assert.deepEqual([...decodeCsrText(' MA\nA= ')], [0x30, 0x00]);
    for (const bad of ['', 'MAA', 'not base64!', '-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----']) {
      assert.throws(() => decodeCsrText(bad), (e: unknown) => e instanceof PkiError && e.code === 'BAD_PEM', JSON.stringify(bad));
    }
  });
});
