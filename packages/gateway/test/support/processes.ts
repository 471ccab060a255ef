/**
 * Real processes for the peer and PostgreSQL tests: `fleetpki serve` and `fleetpki gateway`
 * through the CLI's own binary, and third-party tools, all bounded in time.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const FLEETPKI = fileURLToPath(new URL('../../../../cli/bin/fleetpki.js', import.meta.url));

export interface Started { readonly child: ChildProcess; readonly lines: string[]; stop(): Promise<void> }

/** Starts `fleetpki ARGS` and resolves once stdout has `readyLines` lines matching `ready`. */
export function startFleetpki(args: readonly string[], ready: RegExp, readyLines: number, env: NodeJS.ProcessEnv = {}): Promise<Started> {
  const child = spawn(process.execPath, [FLEETPKI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FLEETPKI_CA_PASSPHRASE: '', FLEETPKI_DATA: '', ...env } });
  const lines: string[] = [];
  let errText = '';
  child.stderr!.on('data', (b: Buffer) => { errText += b.toString(); });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`fleetpki ${args[0]} did not start: ${out}${errText}`)); }, 60_000);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      lines.splice(0, lines.length, ...out.split('\n').filter(Boolean));
      if (lines.filter((l) => ready.test(l)).length >= readyLines) { clearTimeout(timer); resolve({ child, lines, stop }); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`fleetpki ${args[0]} exited ${code}: ${out}${errText}`)); });
  });
}

export interface Run { readonly code: number; readonly stdout: string; readonly stderr: string }

/** Runs a tool to completion (never throws for a non-zero exit). */
export function run(cmd: string, args: readonly string[], timeoutMs = 20_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

/** Which of `tools` (commands on PATH, or absolute files) are missing. */
export async function missing(tools: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const t of tools) {
    if (t.startsWith('/')) { if (!existsSync(t)) out.push(t); continue; }
    if ((await run('sh', ['-c', `command -v ${t}`])).code !== 0) out.push(t);
  }
  return out;
}

/** The port of a URL printed in a ready line, e.g. "... https://127.0.0.1:40123/telemetry ...". */
export function portIn(lines: readonly string[], scheme: string): number {
  const m = lines.map((l) => new RegExp(`${scheme}://[^\\s/]+:(\\d+)`).exec(l)).find(Boolean);
  if (!m) throw new Error(`no ${scheme} URL in ${lines.join(' | ')}`);
  return Number(m[1]);
}
