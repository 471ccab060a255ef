/**
 * After a renewal, the software that uses the identity must pick it up: run a command
 * (`systemctl reload mosquitto`) or signal a process whose pid is in a file (SIGHUP to
 * a daemon that re-reads its certificate). A failing hook is logged, never undoes the renewal.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Hook } from './config.js';

export function runHook(h: Hook, env: Record<string, string>, timeoutMs: number): Promise<{ ok: boolean; detail: string }> {
  if (h.kind === 'signal') {
    try {
      const pid = Number(readFileSync(h.pidFile, 'utf8').trim());
      if (!Number.isInteger(pid) || pid <= 1) return Promise.resolve({ ok: false, detail: `${h.pidFile}: no pid` });
      process.kill(pid, h.signal);
      return Promise.resolve({ ok: true, detail: `${h.signal} sent to ${pid}` });
    } catch (e) {
      return Promise.resolve({ ok: false, detail: (e as Error).message });
    }
  }
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', h.command], { stdio: 'ignore', env: { ...process.env, ...env }, timeout: timeoutMs });
    child.on('error', (e) => resolve({ ok: false, detail: e.message }));
    child.on('exit', (code, signal) => resolve({ ok: code === 0, detail: `exit ${code ?? signal}` }));
  });
}
