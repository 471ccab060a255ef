/**
 * Passphrases typed at a terminal (a pseudo-terminal from util-linux `script`): asked
 * without echo, asked twice when a root key is made, and never taken from a flag.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildHierarchy, tempDir, type Hierarchy } from './support/hierarchy.js';
import { hasTool, makeCsr, makeKey } from './support/peers.js';
import { baseEnv, BIN, CA_PASSPHRASE, toolOk } from './support/run.js';

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs fleetpki on a terminal and answers each prompt (matched in order) once it shows;
 * answering only after the prompt keeps the terminal's own echo out of the picture.
 */
function onTerminal(args: readonly string[], answers: readonly (readonly [RegExp, string])[], env: Record<string, string | undefined>):
  Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, BIN, ...args].map(quote).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: baseEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let next = 0;
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`timed out:\n${output}`)); }, 20_000);
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      while (next < answers.length && answers[next]![0].test(output)) child.stdin.write(`${answers[next++]![1]}\r`);
    });
    child.on('close', (code) => { clearTimeout(timer); child.stdin.destroy(); resolve({ code, output }); });
  });
}

const ROOT_PROMPT = /Passphrase for the root key: /;
const REPEAT_PROMPT = /Repeat the passphrase: /;

describe('passphrase prompts', { timeout: 90_000, skip: !hasTool('script') && 'util-linux script is not installed' }, () => {
  let dir: string;
  before(() => { dir = tempDir('prompt'); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('init-root asks twice without echo, and the key opens with what was typed', async () => {
    const typed = 'typed at the terminal 42';
    const out = join(dir, 'root');
    const r = await onTerminal(['ca', 'init-root', '--out', out, '--subject', 'CN=Typed Root'],
      [[ROOT_PROMPT, typed], [REPEAT_PROMPT, typed]], { FLEETPKI_ROOT_PASSPHRASE: undefined });
    assert.equal(r.code, 0, r.output);
    assert.ok(!r.output.includes(typed), 'the passphrase was echoed');
    await toolOk('openssl', ['pkey', '-in', join(out, 'root.key.pem'), '-passin', `pass:${typed}`, '-noout']);
  });

  it('init-root refuses two different answers with PASSPHRASE_MISMATCH and writes nothing', async () => {
    const out = join(dir, 'mismatch');
    const r = await onTerminal(['ca', 'init-root', '--out', out, '--subject', 'CN=Typed Root'],
      [[ROOT_PROMPT, 'first answer 123456'], [REPEAT_PROMPT, 'second answer 12345']], { FLEETPKI_ROOT_PASSPHRASE: undefined });
    assert.equal(r.code, 1);
    assert.match(r.output, /error PASSPHRASE_MISMATCH: /);
    assert.equal(existsSync(join(out, 'root.key.pem')), false);
  });

  describe('on a deployment', () => {
    let h: Hierarchy;
    before(async () => { h = await buildHierarchy(tempDir('prompt-deployment')); });
    after(() => { if (h) rmSync(h.dir, { recursive: true, force: true }); });

    it('a command that signs asks for the CA passphrase when none is set', async () => {
      const csr = await makeCsr(h.dir, 'device', await makeKey(h.dir, 'device'), { subject: '/CN=Device t' });
      const r = await onTerminal(['cert', 'issue', '--data', h.data, '--csr', csr, '--profile', 'device-operational', '--ca', h.manufacturer, '--device-id', 't1', '--json'],
        [[/Passphrase for the CA keys: /, CA_PASSPHRASE]], { FLEETPKI_CA_PASSPHRASE: undefined });
      assert.equal(r.code, 0, r.output);
      assert.match(r.output, /"deviceId": "t1"/);
    });
  });
});
