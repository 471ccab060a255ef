/** Durations in profiles and configuration: "90d", "12h", "30m", "45s", "10y" (365 days). */
const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, y: 365 * 86400 };

/** Seconds, or null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const m = /^(\d{1,6})([smhdy])$/.exec(text.trim());
  return m ? Number(m[1]) * (UNIT_SECONDS[m[2] as string] as number) : null;
}
