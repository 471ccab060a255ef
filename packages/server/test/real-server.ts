/**
 * A real `serve` in a child process on 127.0.0.1:0, for the tests that need a process to
 * kill or a port for peers: resolves once the server prints its "ready" line.
 */
import { spawn, type ChildProcess } from 'node:child_process';

const SERVER = `import { serve } from '@fleetpki/server';
await serve({ data: process.argv[1], listen: '127.0.0.1:0' }, process.env);`;

export function startServer(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', SERVER, dataDir], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, FLEETPKI_CA_PASSPHRASE: '', FLEETPKI_DATA: '' } });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`server did not start: ${out}`)); }, 30_000);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /FleetPKI ready at (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ child, url: m[1]! }); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${out}`)); });
  });
}
