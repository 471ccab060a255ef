/** The agent's pure parts: schedule, backoff, clock checks, configuration, and the file key store. */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AGENT_BUILD_TIME, AgentError, FileKeyStore, backoffMs, clockProblem, parseConfig, renewalTime, writeFileAtomic } from '../src/index.js';

const DAY = 86_400_000;

describe('schedule', () => {
  const nb = new Date('2027-01-01T00:00:00Z');
  const na = new Date(nb.getTime() + 90 * DAY);
  it('renews at two thirds of the lifetime, jitter +/- 5 % of it', () => {
    assert.equal(renewalTime(nb, na, { renewAt: 2 / 3, jitter: 0.05 }, () => 0.5).getTime(), nb.getTime() + 60 * DAY);
    assert.equal(renewalTime(nb, na, { renewAt: 2 / 3, jitter: 0.05 }, () => 0).getTime(), nb.getTime() + Math.round(90 * DAY * (2 / 3 - 0.05)));
    assert.equal(renewalTime(nb, na, { renewAt: 0.9, jitter: 0.3 }, () => 0.999999).getTime(), nb.getTime() + Math.round(90 * DAY * 0.95), 'never later than 95 %');
  });
  it('backs off exponentially to the cap, 50-100 % of each ceiling', () => {
    const p = { initialSeconds: 30, maxSeconds: 3600 };
    assert.deepEqual([1, 2, 3, 4].map((a) => backoffMs(a, p, () => 0.999999)).map((ms) => Math.round(ms / 1000)), [30, 60, 120, 240]);
    assert.equal(backoffMs(1, p, () => 0), 15_000);
    assert.equal(Math.round(backoffMs(40, p, () => 0.999999) / 1000), 3600);
  });
});

describe('clock checks', () => {
  it('refuses a clock before the build time, a notBefore, or a verified producedAt (10 min tolerance)', () => {
    const now = new Date(AGENT_BUILD_TIME.getTime() + DAY);
    assert.equal(clockProblem(now, {}), null);
    assert.match(clockProblem(new Date('1970-01-01T00:00:00Z'), {})!, /before the agent build time/);
    assert.match(clockProblem(now, { notBefore: new Date(now.getTime() + 1000) })!, /notBefore/);
    assert.equal(clockProblem(now, { lastProducedAt: new Date(now.getTime() + 9 * 60_000) }), null);
    assert.match(clockProblem(now, { lastProducedAt: new Date(now.getTime() + 11 * 60_000) })!, /producedAt/);
  });
});

describe('configuration', () => {
  it('applies defaults and freezes', () => {
    const c = parseConfig({ stateDir: '/s', estUrl: 'https://pki:8443/' });
    assert.equal(c.estUrl, 'https://pki:8443');
    assert.equal(c.renewAt, 2 / 3);
    assert.equal(c.keyType, 'ecdsa-p256');
    assert.equal(c.rekey, true);
    assert.equal(Object.isFrozen(c), true);
  });
  it('reports every issue at once with CONFIG_INVALID', () => {
    try {
      parseConfig({ estUrl: 'http://pki', renewAt: 2, keyType: 'rsa', hooks: [{ signal: 'HUP' }] });
      assert.fail('accepted');
    } catch (e) {
      assert.ok(e instanceof AgentError);
      assert.equal(e.code, 'CONFIG_INVALID');
      assert.deepEqual(e.detail['issues'], [
        'estUrl: https://host[:port]', 'keyType: ecdsa-p256 or ecdsa-p384', 'stateDir: required',
        'renewAt: must be a number in [0.05, 0.95]', 'hooks[0]: {command} or {signal: "SIGHUP", pidFile}',
      ]);
    }
  });
});

describe('files', () => {
  it('writes atomically with the mode asked, leaving no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-unit-'));
    const p = join(dir, 'sub', 'f.json');
    writeFileAtomic(p, 'one');
    writeFileAtomic(p, 'two');
    assert.equal(readFileSync(p, 'utf8'), 'two');
    assert.equal(statSync(p).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(join(dir, 'sub')), ['f.json']);
  });
  it('keeps generated keys 0600 and signs with them', async () => {
    const ks = new FileKeyStore(mkdtempSync(join(tmpdir(), 'agent-keys-')));
    const k = ks.generate('op-1', 'ecdsa-p384');
    assert.equal(k.signer.algorithm, 'ecdsa-with-SHA384');
    assert.deepEqual(ks.list(), ['op-1']);
    assert.equal(ks.load('op-1')!.tlsKey, k.tlsKey);
    assert.ok((await k.signer.sign(Buffer.from('x'))).length > 64);
    ks.remove('op-1');
    assert.equal(ks.load('op-1'), null);
    assert.throws(() => ks.generate('../x', 'ecdsa-p256'), /bad key id/);
  });
});
