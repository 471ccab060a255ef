/** `fleetpki enrollment-group` on the real binary over a development data folder. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { toPem } from '@fleetpki/core';
import { openDeployment, parseConfig } from '@fleetpki/server';
import { hashSecret } from '@fleetpki/ca';
import { tempDir } from './support/hierarchy.js';
import { CA_PASSPHRASE, cli, cliOk } from './support/run.js';
import { writeFileSync } from 'node:fs';

describe('enrollment-group', { timeout: 120_000 }, () => {
  let dir: string;
  let data: string;
  let anchor: string;

  before(async () => {
    dir = tempDir('enroll');
    data = join(dir, 'data');
    const d = await openDeployment({ config: parseConfig({ dataDir: data, listen: { port: 0 }, logLevel: 'silent' }), env: { FLEETPKI_CA_PASSPHRASE: CA_PASSPHRASE }, initialize: true });
    anchor = join(dir, 'anchor.pem');
    writeFileSync(anchor, toPem('CERTIFICATE', (await d.store.getCa('dev-issuing'))!.certificateDer!));
    await d.close();
  });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('create, list, show (text, JSON and PEM)', async () => {
    const created = await cliOk(['enrollment-group', 'create', '--data', data, '--label', 'sensors', '--profile', 'device-operational', '--anchor', anchor,
      '--device-id-pattern', '^sensor-[0-9a-f]{8}$', '--approval', 'manual', '--rate-limit', '100/60', '--bootstrap-reuse', 'until-operational',
      '--attribute', 'fleet=north', '--pop-linking', '--json']);
    const view = JSON.parse(created.stdout) as Record<string, unknown>;
    assert.deepEqual([view['label'], view['ca'], view['approval'], view['rateLimit'], view['bootstrapReuse'], view['popLinking'], view['attributes']],
      ['sensors', 'dev-issuing', 'manual', { requests: 100, perSeconds: 60 }, 'until-operational', true, { fleet: 'north' }]);
    const list = await cliOk(['enrollment-group', 'list', '--data', data]);
    assert.match(list.stdout, /^LABEL\s+PROFILE\s+CA\s+APPROVAL\s+DEVICE IDS\nsensors\s+device-operational\s+dev-issuing\s+manual\s+\^sensor-\[0-9a-f\]\{8\}\$\n$/);
    const show = await cliOk(['enrollment-group', 'show', '--data', data, 'sensors']);
    assert.match(show.stdout, /EST path: +\/\.well-known\/est\/sensors\//);
    const pem = await cliOk(['enrollment-group', 'show', '--data', data, 'sensors', '--anchors']);
    assert.match(pem.stdout, /^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n$/);
  });

  it('secret: printed once, stored as its SHA-256 only; refusals exit 1 with their code', async () => {
    const r = await cliOk(['enrollment-group', 'secret', '--data', data, 'sensors', '--device-id', 'sensor-0a1b2c3d', '--json']);
    const { secret, deviceId } = JSON.parse(r.stdout) as { secret: string; deviceId: string };
    assert.equal(deviceId, 'sensor-0a1b2c3d');
    const d = await openDeployment({ config: parseConfig({ dataDir: data, listen: { port: 0 }, logLevel: 'silent' }), env: { FLEETPKI_CA_PASSPHRASE: CA_PASSPHRASE }, initialize: false });
    try {
      assert.equal((await d.store.getEnrollmentSecret(hashSecret(secret)))?.deviceId, 'sensor-0a1b2c3d');
    } finally { await d.close(); }
    const cases: [string[], string][] = [
      [['enrollment-group', 'secret', '--data', data, 'sensors', '--device-id', 'camera-1'], 'DEVICE_ID_NOT_ALLOWED'],
      [['enrollment-group', 'secret', '--data', data, 'nope', '--device-id', 'sensor-0a1b2c3d'], 'ENROLLMENT_GROUP_NOT_FOUND'],
      [['enrollment-group', 'show', '--data', data, 'nope'], 'ENROLLMENT_GROUP_NOT_FOUND'],
      [['enrollment-group', 'create', '--data', data, '--label', 'sensors', '--profile', 'device-operational', '--anchor', anchor], 'ENROLLMENT_GROUP_EXISTS'],
      [['enrollment-group', 'approve', '--data', data, 'sensors', 'abc'], 'ENROLLMENT_PENDING_NOT_FOUND'],
    ];
    for (const [args, code] of cases) {
      const bad = await cli(args);
      assert.equal(bad.code, 1, args.join(' '));
      assert.match(bad.stderr, new RegExp(code), args.join(' '));
    }
  });
});
