/**
 * @fleetpki/cli: the `fleetpki` command. `main(argv, io)` runs it with any Io (the real
 * one is processIo()), so it can be embedded or driven in-process by tests.
 */
export { main } from './main.js';
export { buildProgram, VERSION } from './program.js';
export { processIo } from './terminal.js';
export type { Env, Io } from './io.js';
export { CLI_ERRORS, CliError, UsageError, describeError, type CliErrorCode } from './errors.js';
