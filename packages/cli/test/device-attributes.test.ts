/** `fleetpki device attributes` on the data folder and through a running server. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './support/hierarchy.js';
import { cli, cliOk } from './support/run.js';
import { startServer, stopServer, type Server } from './support/server.js';

interface View { deviceId: string; attributes: Record<string, string> }

describe('device attributes through the CLI', { timeout: 120_000 }, () => {
  let dir: string;
  let data: string;
  let server: Server;
  let token: string;

  before(async () => {
    dir = tempDir('attributes');
    data = join(dir, 'data');
    server = await startServer(data, 'http://pki.example.test');
    token = readFileSync(join(data, 'admin-token'), 'utf8').trim();
  });
  after(async () => {
    if (server) await stopServer(server, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('sets through the server (replacing), shows on the data folder, clears; refusals exit 1 with their code', async () => {
    const remote = ['--url', server.url, '--token', token, '--json'];
    const set = JSON.parse((await cliOk(['device', 'attributes', 'cam-1', 'status=active', 'firmware=2.4', ...remote])).stdout) as View;
    assert.deepEqual(set, { deviceId: 'cam-1', attributes: { firmware: '2.4', status: 'active' } });
    await cliOk(['device', 'attributes', 'cam-1', 'status=disabled', ...remote]);
    const shown = await cliOk(['device', 'attributes', 'cam-1', '--data', data]);
    assert.match(shown.stdout, /^device id: cam-1\n {2}status=disabled\n$/);
    const cleared = JSON.parse((await cliOk(['device', 'attributes', 'cam-1', '--clear', '--data', data, '--json'])).stdout) as View;
    assert.deepEqual(cleared.attributes, {});
    const bad = await cli(['device', 'attributes', 'cam-1', 'Bad=x', ...remote]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^error REQUEST_INVALID: /);
    const missing = await cli(['device', 'attributes', 'nobody', '--data', data]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^error DEVICE_NOT_FOUND: /);
    const both = await cli(['device', 'attributes', 'cam-1', 'a=b', '--clear', '--data', data]);
    assert.equal(both.code, 2);
  });
});
