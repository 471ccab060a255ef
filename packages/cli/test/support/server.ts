/** `fleetpki serve` as a child process on a free port, for tests that talk to it over HTTP. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { baseEnv, BIN } from './run.js';

/** A port nothing listens on: bound once by us, then released. */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface Server { readonly child: ChildProcess; readonly url: string; stdout: string; stderr: string }

/** Starts `fleetpki serve` on a free port and waits for its ready line (no CA passphrase: a dev folder makes its own). */
export function startServer(data: string, publicUrl: string, env: Readonly<Record<string, string | undefined>> = { FLEETPKI_CA_PASSPHRASE: undefined }): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', '--data', data, '--listen', '127.0.0.1:0', '--public-url', publicUrl],
      { env: baseEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    const server = { child, url: '', stdout: '', stderr: '' };
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`serve did not start:\n${server.stdout}\n${server.stderr}`)); }, 20_000);
    child.stderr!.on('data', (d: Buffer) => { server.stderr += d.toString(); });
    child.stdout!.on('data', (d: Buffer) => {
      server.stdout += d.toString();
      const m = /FleetPKI ready at (http:\/\/\S+)/.exec(server.stdout);
      if (m) { clearTimeout(timer); resolve(Object.assign(server, { url: m[1]! })); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited ${code}:\n${server.stdout}\n${server.stderr}`)); });
  });
}

export function stopServer(s: Server, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    s.child.removeAllListeners('exit');
    const timer = setTimeout(() => s.child.kill('SIGKILL'), 10_000);
    s.child.on('exit', (code) => { clearTimeout(timer); resolve(code); });
    s.child.kill(signal);
  });
}
