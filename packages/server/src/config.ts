/**
 * The server's configuration: one TypeBox schema (the same library that validates the
 * API and drives OpenAPI), defaults in the schema, every problem reported at once, then
 * frozen. main.ts is the only place that reads files and the environment to build `raw`.
 */
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { compileProfiles, BUILTIN_PROFILES, type Profile, type ProfileSpec, PkiError } from '@fleetpki/core';

const Sqlite = Type.Object({ kind: Type.Literal('sqlite'), path: Type.Optional(Type.String({ minLength: 1 })) }, { additionalProperties: false });
const Postgres = Type.Object({
  kind: Type.Literal('postgres'), url: Type.String({ pattern: '^postgres(ql)?://' }),
  schema: Type.Optional(Type.String({ pattern: '^[a-z_][a-z0-9_]{0,62}$' })), poolSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
}, { additionalProperties: false });

const DURATION = '^\\d{1,6}[smhdy]$';

export const ConfigSchema = Type.Object({
  dataDir: Type.String({ minLength: 1 }),
  listen: Type.Object({
    host: Type.String({ default: '127.0.0.1' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  }, { default: {}, additionalProperties: false }),
  /**
   * The TLS listener (EST, and the REST API when tls.api): HOST:PORT as an object, or null
   * for none. Absent: the listen host on port 8443 (port 0, any free port, when `listen` is on 0).
   */
  listenTls: Type.Optional(Type.Union([Type.Null(), Type.Object({
    host: Type.Optional(Type.String({ minLength: 1 })),
    port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
  }, { additionalProperties: false })])),
  tls: Type.Object({
    /** Host names and IP addresses in the server certificate; default localhost, 127.0.0.1 and the listen host. */
    names: Type.Array(Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.:*-]+$' }), { default: [], maxItems: 32 }),
    /** Serve the REST API on the TLS listener too. */
    api: Type.Boolean({ default: true }),
    /** Staple our own OCSP answer for the server certificate (RFC 6066 8), so agents need no extra round trip. */
    stapling: Type.Boolean({ default: true }),
  }, { default: {}, additionalProperties: false }),
  /** Base URL relying parties reach us at; written into certificates. Defaults to the listen address. */
  publicUrl: Type.Optional(Type.String({ pattern: '^https?://[^\\s/]+(/[^\\s]*)?$' })),
  database: Type.Union([Sqlite, Postgres], { default: { kind: 'sqlite' } }),
  identity: Type.Object({
    deviceNamespace: Type.String({ pattern: '^([a-z0-9-]+\\.)+[a-z0-9-]+$', default: 'devices.fleetpki.local' }),
  }, { default: {}, additionalProperties: false }),
  keys: Type.Object({
    passphraseEnv: Type.String({ default: 'FLEETPKI_CA_PASSPHRASE' }),
    passphraseFile: Type.Optional(Type.String({ minLength: 1 })),
  }, { default: {}, additionalProperties: false }),
  limits: Type.Object({
    bodyBytes: Type.Integer({ minimum: 1024, maximum: 16 * 1024 * 1024, default: 256 * 1024 }),
  }, { default: {}, additionalProperties: false }),
  /** Revocation status: CRLs (RFC 5280 5) and the OCSP responder (RFC 6960). Durations as "24h". */
  status: Type.Object({
    crlShards: Type.Integer({ minimum: 1, maximum: 256, default: 1 }),
    crlValidity: Type.String({ pattern: DURATION, default: '24h' }),
    deltaCrlValidity: Type.String({ pattern: DURATION, default: '1h' }),
    crlDebounce: Type.String({ pattern: DURATION, default: '1s' }),
    ocspValidity: Type.String({ pattern: DURATION, default: '1h' }),
    ocspCacheEntries: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 500_000 }),
    /** How long status-event outbox rows are kept for nodes and gateways that were away (they reload beyond it). */
    eventRetention: Type.String({ pattern: DURATION, default: '7d' }),
  }, { default: {}, additionalProperties: false }),
  /** The ingestion gateway's section (`fleetpki gateway`): validated by @fleetpki/gateway, opaque here. */
  gateway: Type.Optional(Type.Unknown()),
  /** Extra profiles, or replacements for built-ins of the same name. */
  profiles: Type.Array(Type.Unknown(), { default: [] }),
  logLevel: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info' }),
}, { additionalProperties: false });

type Raw = Static<typeof ConfigSchema>;
export interface Config extends Omit<Raw, 'profiles' | 'publicUrl' | 'listenTls'> {
  readonly publicUrl: string;
  readonly listenTls: { readonly host: string; readonly port: number } | null;
  readonly compiledProfiles: ReadonlyMap<string, Profile>;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly issues: readonly string[]) {
    super(`invalid configuration:\n  ${issues.join('\n  ')}`);
  }
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o) && !(o instanceof Map)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

function mergeProfiles(extra: readonly unknown[]): ReadonlyMap<string, Profile> {
  const byName = new Map<string, ProfileSpec>(BUILTIN_PROFILES.map((p) => [p.name, p]));
  for (const p of extra as ProfileSpec[]) byName.set(p.name, p);
  return compileProfiles([...byName.values()]);
}

/** Validates `raw`, applies defaults, compiles profiles; throws ConfigError listing every problem. */
export function parseConfig(raw: unknown): Config {
  const withDefaults = Value.Default(ConfigSchema, structuredClone(raw ?? {}));
  const issues = [...Value.Errors(ConfigSchema, withDefaults)].map((e) => `${e.path || '/'}: ${e.message}`);
  if (issues.length) throw new ConfigError(issues);
  const c = withDefaults as Raw;
  let compiledProfiles: ReadonlyMap<string, Profile>;
  try {
    compiledProfiles = mergeProfiles(c.profiles);
  } catch (e) {
    if (e instanceof PkiError) throw new ConfigError((e.detail?.['issues'] as string[] | undefined) ?? [e.message]);
    throw e;
  }
  const host = c.listen.host.includes(':') ? `[${c.listen.host}]` : c.listen.host;
  const publicUrl = (c.publicUrl ?? `http://${host}:${c.listen.port}`).replace(/\/+$/, '');
  const listenTls = c.listenTls === null ? null : { host: c.listenTls?.host ?? c.listen.host, port: c.listenTls?.port ?? (c.listen.port === 0 ? 0 : 8443) };
  const { profiles: _omit, ...rest } = c;
  return deepFreeze({ ...rest, listenTls, publicUrl, compiledProfiles });
}
