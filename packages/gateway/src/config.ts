/**
 * The `gateway` section of config.json: one TypeBox schema with its defaults, validated
 * once with every problem reported (schema, rules, sequences, access patterns), compiled,
 * then frozen. main.ts is the only place that reads the file and the environment.
 */
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import {
  compileAccessPolicy, compileRule, compileRuleSet, compileSequenceRules, isPkiError,
  type CompiledAccessPolicy, type CompiledRule, type CompiledRuleSet, type CompiledSequenceRule,
} from '@fleetpki/core';
import { ConfigError } from '@fleetpki/server';

const Patterns = Type.Array(Type.String(), { maxItems: 256 });
const Access = Type.Object({ publish: Patterns, subscribe: Patterns, routes: Type.Optional(Patterns) }, { additionalProperties: false });

/** Names the TLS listeners' certificate carries; the node's name shows in audit events (actor gateway:<name>). */
const HOST_PORT = '^(\\[[0-9A-Fa-f:.]+\\]|[^:\\s]+):\\d{1,5}$';

export const GatewaySchema = Type.Object({
  name: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' })),
  /** HOST:PORT of each listener; the --https, --mqtt and --metrics flags win. */
  listen: Type.Object({
    https: Type.Optional(Type.String({ pattern: HOST_PORT })),
    mqtt: Type.Optional(Type.String({ pattern: HOST_PORT })),
    metrics: Type.Optional(Type.String({ pattern: HOST_PORT })),
  }, { default: {}, additionalProperties: false }),
  /** PEM files of CA certificates trusted besides the deployment's roots (CAs we do not run). */
  anchors: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
  /** PEM files of intermediate CA certificates devices may omit from their chains. */
  intermediates: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
  /** Trust the deployment's root CAs (default); false trusts only `anchors`. */
  trustDeploymentRoots: Type.Boolean({ default: true }),
  tls: Type.Object({
    names: Type.Array(Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.:*-]+$' }), { default: [], maxItems: 32 }),
    /** Node's stateless tickets carry the client certificate (about 900 bytes each, two per TLS 1.3 handshake). */
    sessionTickets: Type.Boolean({ default: false }),
    sessionCacheEntries: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 20_000 }),
    sessionTimeoutSeconds: Type.Integer({ minimum: 1, maximum: 86_400, default: 3600 }),
    stapling: Type.Boolean({ default: true }),
  }, { default: {}, additionalProperties: false }),
  revocation: Type.Object({
    /** Certificates of CAs we do not run: OCSP (AIA) then CRL (CDP), CRL only, or no check. */
    foreign: Type.Union([Type.Literal('ocsp-then-crl'), Type.Literal('crl'), Type.Literal('none')], { default: 'ocsp-then-crl' }),
    /** Refuse when the status cannot be learnt (GATEWAY_REVOCATION_UNKNOWN); false admits. */
    failClosed: Type.Boolean({ default: true }),
    timeoutMs: Type.Integer({ minimum: 100, maximum: 60_000, default: 3000 }),
    /** Longest an answer is reused, also when its nextUpdate is later. */
    cacheSeconds: Type.Integer({ minimum: 0, maximum: 86_400, default: 300 }),
  }, { default: {}, additionalProperties: false }),
  rules: Type.Array(Type.Unknown(), { default: [] }),
  sequences: Type.Array(Type.Unknown(), { default: [] }),
  /** The JSON field of a report that names its way station. */
  stationField: Type.String({ minLength: 1, maxLength: 64, default: 'station' }),
  access: Type.Optional(Access),
  /** More grants for the devices an expression chooses (e.g. backends subscribing to telemetry/#). */
  policies: Type.Array(Type.Object({
    name: Type.String({ minLength: 1, maxLength: 128 }), appliesTo: Type.String({ minLength: 1 }),
    publish: Type.Optional(Patterns), subscribe: Type.Optional(Patterns), routes: Type.Optional(Patterns),
  }, { additionalProperties: false }), { default: [], maxItems: 64 }),
  mqtt: Type.Object({
    /** device-id: the client identifier must be the certificate's device id (MQTT 3.1.3.1). */
    clientId: Type.Union([Type.Literal('device-id'), Type.Literal('any')], { default: 'device-id' }),
    maxPacketBytes: Type.Integer({ minimum: 1024, maximum: 256 * 1024 * 1024, default: 256 * 1024 }),
  }, { default: {}, additionalProperties: false }),
  https: Type.Object({
    bodyBytes: Type.Integer({ minimum: 1, maximum: 64 * 1024 * 1024, default: 256 * 1024 }),
  }, { default: {}, additionalProperties: false }),
  clone: Type.Object({
    action: Type.Union([Type.Literal('alert'), Type.Literal('refuse'), Type.Literal('quarantine')], { default: 'alert' }),
    /** What quarantine sets (the rules decide what it stops; both connections are closed). */
    attribute: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', default: 'status' }),
    value: Type.String({ pattern: '^[A-Za-z0-9 _.:-]{1,128}$', default: 'quarantined' }),
  }, { default: {}, additionalProperties: false }),
  presenceFlushMs: Type.Integer({ minimum: 10, maximum: 600_000, default: 1000 }),
  /** Between outbox polls (SQLite: how long a change made by another process may take to bite). */
  statusPollMs: Type.Optional(Type.Integer({ minimum: 5, maximum: 600_000 })),
  attributeCacheEntries: Type.Integer({ minimum: 1, maximum: 100_000_000, default: 1_000_000 }),
}, { additionalProperties: false });

type Raw = Static<typeof GatewaySchema>;

export const DEFAULT_ACCESS = Object.freeze({
  publish: ['devices/${device.id}/#'],
  subscribe: ['devices/${device.id}/#'],
  routes: ['/telemetry/${device.id}', '/telemetry/${device.id}/*'],
});

/** The connect rule clone quarantine adds: the quarantine attribute refuses the device. */
export const QUARANTINE_RULE = 'clone-quarantine';

export interface NamedPolicy { readonly name: string; readonly appliesTo: CompiledRule | null; readonly policy: CompiledAccessPolicy }

export interface GatewayConfig extends Omit<Raw, 'rules' | 'sequences' | 'access' | 'policies' | 'name'> {
  readonly name: string;
  readonly rules: CompiledRuleSet;
  readonly sequences: readonly CompiledSequenceRule[];
  /** The default grants first, then the policies that apply to some devices. */
  readonly policies: readonly NamedPolicy[];
}

function compilePolicy(name: string, spec: Parameters<typeof compileAccessPolicy>[0], appliesTo: string | null, problems: string[]): NamedPolicy | null {
  const at = `gateway.policies (${name})`;
  let rule: CompiledRule | null = null;
  if (appliesTo !== null) {
    try { rule = compileRule(appliesTo); } catch (e) {
      if (!isPkiError(e)) throw e;
      problems.push(`${at}: appliesTo: ${e.message}`);
    }
  }
  const r = compileAccessPolicy(spec);
  if (!r.ok) problems.push(...r.problems.map((p) => `${at}: ${p}`));
  return r.ok ? { name, appliesTo: rule, policy: r.policy } : null;
}

function compileAll(c: Raw, problems: string[]): Pick<GatewayConfig, 'rules' | 'sequences' | 'policies'> {
  const specs = [...(c.rules as Parameters<typeof compileRuleSet>[0])];
  // Quarantine only means something if it refuses: its attribute keeps the device out.
  if (c.clone.action === 'quarantine') specs.push({ name: QUARANTINE_RULE, when: 'connect', expression: `!(attributes[${JSON.stringify(c.clone.attribute)}] == ${JSON.stringify(c.clone.value)})` });
  const rules = compileRuleSet(specs);
  if (!rules.ok) problems.push(...rules.problems.map((p) => `gateway.${p}`));
  const sequences = compileSequenceRules(c.sequences as Parameters<typeof compileSequenceRules>[0]);
  if (!sequences.ok) problems.push(...sequences.problems.map((p) => `gateway.${p}`));
  const policies = [compilePolicy('access', c.access ?? DEFAULT_ACCESS, null, problems)];
  for (const p of c.policies) policies.push(compilePolicy(p.name, { publish: p.publish ?? [], subscribe: p.subscribe ?? [], routes: p.routes ?? [] }, p.appliesTo, problems));
  return {
    rules: rules.ok ? rules.rules : { connect: [], send: [] },
    sequences: sequences.ok ? sequences.rules : [],
    policies: policies.filter((p): p is NamedPolicy => p !== null),
  };
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

/** Validates the section (absent: all defaults), compiles it; throws ConfigError listing every problem. */
export function parseGatewayConfig(raw: unknown, defaultName: string): GatewayConfig {
  const withDefaults = Value.Default(GatewaySchema, structuredClone(raw ?? {}));
  const issues = [...Value.Errors(GatewaySchema, withDefaults)].map((e) => `gateway${e.path.replaceAll('/', '.')}: ${e.message}`);
  if (issues.length) throw new ConfigError(issues);
  const c = withDefaults as Raw;
  const problems: string[] = [];
  const compiled = compileAll(c, problems);
  if (problems.length) throw new ConfigError(problems);
  const { rules: _r, sequences: _s, access: _a, policies: _p, ...rest } = c;
  return deepFreeze({ ...rest, ...compiled, name: c.name ?? defaultName });
}
