/** The gateway section of config.json: defaults, every problem reported at once, frozen; --check-config. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '@fleetpki/server';
import { parseGatewayConfig, QUARANTINE_RULE } from '../src/index.js';
import { FLEETPKI, run } from './support/processes.js';

const issuesOf = (raw: unknown): readonly string[] => {
  try { parseGatewayConfig(raw, 'gw'); } catch (e) { if (e instanceof ConfigError) return e.issues; throw e; }
  assert.fail('expected a ConfigError');
};

describe('gateway configuration', () => {
  it('has defaults for everything, and is frozen', () => {
    const c = parseGatewayConfig(undefined, 'gw-1');
    assert.equal(c.name, 'gw-1');
    assert.deepEqual([c.mqtt.clientId, c.tls.sessionTickets, c.tls.stapling, c.revocation.foreign, c.revocation.failClosed, c.clone.action], ['device-id', false, true, 'ocsp-then-crl', true, 'alert']);
    assert.deepEqual([c.rules.connect.length, c.rules.send.length, c.sequences.length, c.policies.map((p) => p.name)], [0, 0, 0, ['access']]);
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.tls) && Object.isFrozen(c.policies));
  });

  it('reports every problem of the schema at once', () => {
    const issues = issuesOf({ mqtt: { clientId: 'anything' }, https: { bodyBytes: 0 }, colour: 'blue' });
    assert.ok(issues.some((i) => i.startsWith('gateway.mqtt.clientId')), issues.join('\n'));
    assert.ok(issues.some((i) => i.startsWith('gateway.https.bodyBytes')), issues.join('\n'));
    assert.ok(issues.some((i) => i.includes('colour')), issues.join('\n'));
  });

  it('reports every problem of rules, sequences and access patterns at once', () => {
    const issues = issuesOf({
      rules: [{ name: 'eq', when: 'connect', expression: 'status = "x"' }],
      sequences: [{ name: 'route', stations: [], onViolation: 'drop' }],
      access: { publish: ['devices/#/x'], subscribe: [] },
      policies: [{ name: 'backend', appliesTo: '((', subscribe: ['telemetry/#'] }],
    });
    const has = (prefix: string) => assert.ok(issues.some((i) => i.startsWith(prefix)), `${prefix} in\n${issues.join('\n')}`);
    has('gateway.rules[0] (eq): expression:');
    has('gateway.sequences[0] (route): stations');
    has('gateway.sequences[0] (route): onViolation');
    has('gateway.policies (access): publish[0]');
    has('gateway.policies (backend): appliesTo:');
  });

  it('quarantine adds the connect rule that keeps a quarantined device out', () => {
    const c = parseGatewayConfig({ clone: { action: 'quarantine', attribute: 'state', value: 'cloned' } }, 'gw');
    assert.deepEqual(c.rules.connect.map((r) => [r.name, r.source]), [[QUARANTINE_RULE, '!(attributes["state"] == "cloned")']]);
  });
});

describe('fleetpki gateway --check-config', () => {
  it('lists every problem and exits 1; a valid configuration prints its summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetpki-gw-check-'));
    try {
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ gateway: { rules: [{ name: 'r', when: 'connect', expression: 'status =' }], mqtt: { clientId: 'x' } } }));
      const bad = await run(process.execPath, [FLEETPKI, 'gateway', '--check-config', '--data', dir, '--mqtt', '127.0.0.1:0']);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /error CONFIG_INVALID/);
      assert.match(bad.stderr, /gateway\.mqtt\.clientId/);
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ gateway: { rules: [{ name: 'r', when: 'connect', expression: 'status = "x"' }] } }));
      const rule = await run(process.execPath, [FLEETPKI, 'gateway', '--check-config', '--data', dir, '--mqtt', '127.0.0.1:0']);
      assert.match(rule.stderr, /gateway\.rules\[0\] \(r\): expression:/);
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ gateway: { name: 'edge-1', rules: [{ name: 'active', when: 'connect', expression: 'status == "active"' }] } }));
      const good = await run(process.execPath, [FLEETPKI, 'gateway', '--check-config', '--data', dir, '--https', '127.0.0.1:8443', '--json']);
      assert.equal(good.code, 0, good.stderr);
      const summary = JSON.parse(good.stdout) as Record<string, unknown>;
      assert.deepEqual([summary['name'], summary['https'], summary['mqtt'], summary['rules']], ['edge-1', '127.0.0.1:8443', 'off', ['active (connect)']]);
      const none = await run(process.execPath, [FLEETPKI, 'gateway', '--check-config', '--data', dir]);
      assert.match(none.stderr, /nothing to listen on/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
