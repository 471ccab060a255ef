/**
 * Entry point of the `fleetpki` command: runs the command tree and maps whatever it
 * throws to an exit code (errors.ts): 0 success, 1 `error <CODE>: <message>`, 2 usage.
 */
import type { Io } from './io.js';
import { buildProgram } from './program.js';
import { describeError, EXIT } from './errors.js';

export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    await buildProgram(io).parseAsync([...argv]);
    return EXIT.ok;
  } catch (e) {
    const { exitCode, text } = describeError(e, Boolean(io.env['FLEETPKI_DEBUG']));
    if (text) io.err(text);
    return exitCode;
  }
}
