/** The real Io: the one module that touches process.* (stdin, stdout, env, signals). */
import { userInfo } from 'node:os';
import type { Io } from './io.js';

/** Typed-ahead input not yet consumed: a pasted "pass\rpass\r" answers two prompts. */
let typedAhead = '';

/** Takes one line off `typedAhead` when a whole line is there; backspace edits it. */
function takeLine(): string | null {
  const ends = ['\r', '\n', '\u0004'].map((c) => typedAhead.indexOf(c)).filter((i) => i >= 0);
  if (ends.length === 0) return null;
  const end = Math.min(...ends);
  const raw = typedAhead.slice(0, end);
  typedAhead = typedAhead.slice(end + 1).replace(/^\n/, '');
  let line = '';
  for (const ch of raw) line = ch === '\u007f' || ch === '\b' ? line.slice(0, -1) : line + ch;
  return line;
}

/**
 * Reads one line from the terminal in raw mode so nothing is echoed (a passphrase must
 * not appear on screen or in scrollback). Ctrl-C aborts, as it would without raw mode.
 */
function readHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  // Raw mode first, then the question: an answer typed the moment the prompt shows must
  // not reach the terminal's own echo.
  stdin.setRawMode(true);
  process.stderr.write(question);
  return new Promise((resolve) => {
    const finish = (line: string): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      resolve(line);
    };
    const onData = (chunk: string): void => {
      if (chunk.includes('\u0003')) { stdin.setRawMode(false); process.stderr.write('\n'); process.exit(130); }
      typedAhead += chunk;
      const line = takeLine();
      if (line !== null) finish(line);
    };
    stdin.setEncoding('utf8');
    stdin.on('data', onData);
    const ready = takeLine();
    if (ready !== null) finish(ready); else stdin.resume();
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
    errIsTerminal: process.stderr.isTTY === true,
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
