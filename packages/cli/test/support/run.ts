/**
 * Running processes in tests: the fleetpki bin (exactly what a user runs) and the
 * third-party peers (openssl, certtool, sqlite3). Every run is bounded in time.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../../bin/fleetpki.js', import.meta.url));
export const ROOT_PASSPHRASE = 'correct horse battery staple (root)';
export const CA_PASSPHRASE = 'correct horse battery staple (ca)';
export const PUBLIC_URL = 'https://pki.example.com';

export interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly input?: string;
  readonly timeoutMs?: number;
}

/** The environment of every run: no FLEETPKI_* leaks in from the developer's shell. */
export function baseEnv(extra: Readonly<Record<string, string | undefined>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('FLEETPKI_')) env[k] = v;
  const defaults = { FLEETPKI_ROOT_PASSPHRASE: ROOT_PASSPHRASE, FLEETPKI_CA_PASSPHRASE: CA_PASSPHRASE, FLEETPKI_PUBLIC_URL: PUBLIC_URL };
  for (const [k, v] of Object.entries({ ...defaults, ...extra })) if (v !== undefined) env[k] = v;
  return env;
}

export function run(command: string, args: readonly string[], opts: RunOptions = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ? { ...opts.env } : baseEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    // A child that exits without reading stdin makes the write fail with EPIPE; that is fine.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** `fleetpki ...args` with the test passphrases set. */
export function cli(args: readonly string[], opts: Omit<RunOptions, 'env'> & { env?: Readonly<Record<string, string | undefined>> } = {}): Promise<Ran> {
  return run(process.execPath, [BIN, ...args], { ...opts, env: baseEnv(opts.env) });
}

/** Like cli(), but fails the test with the command's stderr unless it exited 0. */
export async function cliOk(args: readonly string[], opts: Parameters<typeof cli>[1] = {}): Promise<Ran> {
  const r = await cli(args, opts);
  if (r.code !== 0) throw new Error(`fleetpki ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

export async function toolOk(command: string, args: readonly string[], opts: RunOptions = {}): Promise<Ran> {
  const r = await run(command, args, opts);
  if (r.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}
