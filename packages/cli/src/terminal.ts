/** The real Io: the one module that touches process.* (stdin, stdout, env, signals). */
import { userInfo } from 'node:os';
import type { Io } from './io.js';

/**
 * Reads one line from the terminal in raw mode so nothing is echoed (a passphrase must
 * not appear on screen or in scrollback). Ctrl-C aborts the process like it would anyway.
 */
function readHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  return new Promise((resolve) => {
    let line = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\u0003') { process.stderr.write('\n'); process.exit(130); }
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          resolve(line);
          return;
        }
        if (ch === '\u007f' || ch === '\b') line = line.slice(0, -1);
        else line += ch;
      }
    };
    stdin.on('data', onData);
  });
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    // Containers often run as a uid with no passwd entry.
    return process.env['USER'] ?? `uid-${process.getuid?.() ?? 'unknown'}`;
  }
}

export function processIo(): Io {
  return {
    env: process.env,
    out: (text) => { process.stdout.write(text); },
    err: (text) => { process.stderr.write(text); },
    prompt: process.stdin.isTTY ? readHidden : null,
    shutdownSignal: () => new Promise((resolve) => {
      const on = (signal: NodeJS.Signals): void => {
        process.off('SIGINT', on);
        process.off('SIGTERM', on);
        resolve(signal);
      };
      process.once('SIGINT', on);
      process.once('SIGTERM', on);
    }),
    user: osUser(),
  };
}
