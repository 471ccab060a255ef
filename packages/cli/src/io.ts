/**
 * What a command may touch of the outside world. main.ts builds the real one from the
 * process (terminal.ts); commands never read process.* themselves, so the whole program
 * can be driven in-process with a fake.
 */
export type Env = Readonly<Record<string, string | undefined>>;

export interface Io {
  readonly env: Env;
  /** Standard output: results (human text, JSON, PEM). */
  readonly out: (text: string) => void;
  /** Standard error: diagnostics and progress. */
  readonly err: (text: string) => void;
  /** Standard error is a terminal: progress may redraw one line in place. */
  readonly errIsTerminal?: boolean;
  /** Asks without echo on the terminal; null when stdin is not a terminal. */
  readonly prompt: ((question: string) => Promise<string>) | null;
  /** Resolves with the signal's name at the first SIGINT or SIGTERM. */
  readonly shutdownSignal: () => Promise<string>;
  /** The operating-system user, for the audit actor `cli:<user>`. */
  readonly user: string;
}
