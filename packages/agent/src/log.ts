/** Structured logs: one JSON object per line ({time, level, event, ...fields}), for journald or a log shipper. */
export type LogLevel = 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, event: string, fields?: Record<string, unknown>) => void;

export function jsonLinesLogger(write: (line: string) => void, now: () => Date): Logger {
  return (level, event, fields = {}) => write(`${JSON.stringify({ time: now().toISOString(), level, event, ...fields })}\n`);
}

export const silentLogger: Logger = () => {};
