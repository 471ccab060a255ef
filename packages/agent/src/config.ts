/**
 * The agent's configuration: parseConfig(raw) validates every field, applies defaults,
 * collects all issues and returns a frozen object (STYLE.md 2.5). Only cli.ts reads files.
 */
import { AgentError } from './errors.js';
import type { AgentKeyType } from './ports.js';

export type Bootstrap =
  | { readonly kind: 'certificate'; readonly certFile: string; readonly keyFile: string }
  | { readonly kind: 'secret'; readonly deviceId: string; readonly secretFile: string };

export type Hook =
  | { readonly kind: 'command'; readonly command: string }
  | { readonly kind: 'signal'; readonly signal: NodeJS.Signals; readonly pidFile: string };

export interface AgentConfig {
  readonly stateDir: string;
  /** https://host:port of the EST server. */
  readonly estUrl: string;
  readonly label: string | null;
  /** PEM file of the anchors to start with when STATE/trust.json does not exist yet. */
  readonly trustAnchorsFile: string | null;
  readonly bootstrap: Bootstrap | null;
  /** Subject of the first CSR (renewals copy the certificate's); default from the bootstrap identity. */
  readonly subject: string | null;
  readonly keyType: AgentKeyType;
  readonly rekey: boolean;
  readonly renewAt: number;
  readonly jitter: number;
  readonly backoff: { readonly initialSeconds: number; readonly maxSeconds: number };
  readonly bootstrapFallback: boolean;
  readonly ocsp: boolean;
  /** Where signed trust bundles are fetched (GET, DER), or null. */
  readonly trustBundleUrl: string | null;
  readonly checkIntervalSeconds: number;
  readonly hooks: readonly Hook[];
  readonly timeoutMs: number;
}

const DEFAULTS = {
  label: null, trustAnchorsFile: null, bootstrap: null, subject: null, keyType: 'ecdsa-p256', rekey: true,
  renewAt: 2 / 3, jitter: 0.05, backoff: { initialSeconds: 30, maxSeconds: 6 * 3600 }, bootstrapFallback: true,
  ocsp: true, trustBundleUrl: null, checkIntervalSeconds: 6 * 3600, hooks: [], timeoutMs: 15_000,
} as const;

type Issues = string[];
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(r: Record<string, unknown>, k: string, issues: Issues, required = false): string | null {
  const v = r[k];
  if (v === undefined || v === null) { if (required) issues.push(`${k}: required`); return null; }
  if (typeof v !== 'string' || v.length === 0) { issues.push(`${k}: must be a non-empty string`); return null; }
  return v;
}

function num(r: Record<string, unknown>, k: string, d: number, min: number, max: number, issues: Issues): number {
  const v = r[k] ?? d;
  if (typeof v !== 'number' || !(v >= min && v <= max)) { issues.push(`${k}: must be a number in [${min}, ${max}]`); return d; }
  return v;
}

function bootstrap(v: unknown, issues: Issues): Bootstrap | null {
  if (v === undefined || v === null) return null;
  if (isObj(v) && typeof v['certFile'] === 'string' && typeof v['keyFile'] === 'string') return { kind: 'certificate', certFile: v['certFile'], keyFile: v['keyFile'] };
  if (isObj(v) && typeof v['deviceId'] === 'string' && typeof v['secretFile'] === 'string') return { kind: 'secret', deviceId: v['deviceId'], secretFile: v['secretFile'] };
  issues.push('bootstrap: {certFile, keyFile} or {deviceId, secretFile}');
  return null;
}

function hooks(v: unknown, issues: Issues): Hook[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) { issues.push('hooks: must be an array'); return []; }
  return v.flatMap((h, i): Hook[] => {
    if (isObj(h) && typeof h['command'] === 'string') return [{ kind: 'command', command: h['command'] }];
    if (isObj(h) && typeof h['signal'] === 'string' && /^SIG[A-Z0-9]+$/.test(h['signal']) && typeof h['pidFile'] === 'string') {
      return [{ kind: 'signal', signal: h['signal'] as NodeJS.Signals, pidFile: h['pidFile'] }];
    }
    issues.push(`hooks[${i}]: {command} or {signal: "SIGHUP", pidFile}`);
    return [];
  });
}

export function parseConfig(raw: unknown): AgentConfig {
  const issues: Issues = [];
  const r = isObj(raw) ? raw : (issues.push('the configuration must be a JSON object'), {});
  const estUrl = str(r, 'estUrl', issues, true);
  if (estUrl && !/^https:\/\/[^/\s]+\/?$/.test(estUrl)) issues.push('estUrl: https://host[:port]');
  const keyType = r['keyType'] ?? DEFAULTS.keyType;
  if (keyType !== 'ecdsa-p256' && keyType !== 'ecdsa-p384') issues.push('keyType: ecdsa-p256 or ecdsa-p384');
  const b = isObj(r['backoff']) ? r['backoff'] : {};
  const cfg: AgentConfig = {
    stateDir: str(r, 'stateDir', issues, true) ?? '',
    estUrl: (estUrl ?? '').replace(/\/$/, ''),
    label: str(r, 'label', issues),
    trustAnchorsFile: str(r, 'trustAnchorsFile', issues),
    bootstrap: bootstrap(r['bootstrap'], issues),
    subject: str(r, 'subject', issues),
    keyType: keyType as AgentKeyType,
    rekey: r['rekey'] === undefined ? DEFAULTS.rekey : r['rekey'] === true,
    renewAt: num(r, 'renewAt', DEFAULTS.renewAt, 0.05, 0.95, issues),
    jitter: num(r, 'jitter', DEFAULTS.jitter, 0, 0.3, issues),
    backoff: {
      initialSeconds: num(b, 'initialSeconds', DEFAULTS.backoff.initialSeconds, 1, 86400, issues),
      maxSeconds: num(b, 'maxSeconds', DEFAULTS.backoff.maxSeconds, 1, 7 * 86400, issues),
    },
    bootstrapFallback: r['bootstrapFallback'] === undefined ? DEFAULTS.bootstrapFallback : r['bootstrapFallback'] === true,
    ocsp: r['ocsp'] === undefined ? DEFAULTS.ocsp : r['ocsp'] === true,
    trustBundleUrl: str(r, 'trustBundleUrl', issues),
    checkIntervalSeconds: num(r, 'checkIntervalSeconds', DEFAULTS.checkIntervalSeconds, 1, 30 * 86400, issues),
    hooks: hooks(r['hooks'], issues),
    timeoutMs: num(r, 'timeoutMs', DEFAULTS.timeoutMs, 100, 300_000, issues),
  };
  if (issues.length > 0) throw new AgentError('CONFIG_INVALID', `invalid configuration: ${issues.join('; ')}`, { issues });
  return Object.freeze(cfg);
}
