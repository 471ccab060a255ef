/**
 * Per-device authorization at the gateway: which MQTT topics a device may publish to and
 * subscribe to, and which HTTP routes it may post to, from patterns with variables
 * (template.ts). compileAccessPolicy checks the patterns once; grantsFor fills them in once
 * per connection; mayPublish / maySubscribe / mayPost then run per message.
 */
import type { RuleContext } from './context.js';
import { filterCoversUnchecked, topicMatchesUnchecked, validateTopicFilter, validateTopicName } from './mqtt-topic.js';
import { normalizeRequestPath, routeMatches, routePatternProblem, routeValueOk } from './route.js';
import { fillTemplate, parseTemplate, templateShape, type Template, type ValueCheck } from './template.js';

export const ACCESS_POLICY_LIMITS = Object.freeze({ maxPatterns: 256, maxPatternLength: 4096 });

export interface AccessPolicySpec {
  readonly publish: readonly string[];
  readonly subscribe: readonly string[];
  /** HTTP paths such as "/telemetry/${device.id}" or "/telemetry/${device.id}/*". */
  readonly routes?: readonly string[];
}

const PATTERNS: unique symbol = Symbol('patterns');
type Kind = 'publish' | 'subscribe' | 'routes';

/** Opaque and frozen: the patterns parsed once. */
export interface CompiledAccessPolicy {
  readonly [PATTERNS]: Readonly<Record<Kind, readonly Template[]>>;
}

/** Concrete filters and routes for one connection. */
export interface DeviceGrants { readonly publish: readonly string[]; readonly subscribe: readonly string[]; readonly routes: readonly string[] }
export type AccessPolicyResult = { readonly ok: true; readonly policy: CompiledAccessPolicy } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * A value in a topic filter may not hold a wildcard, a level separator or NUL (4.7.1, 4.7.3),
 * and may not begin the filter with '$': `${device.id}/#` must not become `$SYS/#` (4.7.2).
 */
const topicValueOk: ValueCheck = (v, atStart) => !/[+#/\0]/.test(v) && !(atStart && v.startsWith('$'));
const routeValue: ValueCheck = (v) => routeValueOk(v);
/** Compile-time stand-in for every variable: a value that is valid anywhere. */
const PLACEHOLDER = 'x';

function shapeProblem(kind: Kind, shape: string): string | null {
  if (kind === 'routes') return routePatternProblem(shape);
  return validateTopicFilter(shape) ? null : 'not a valid MQTT topic filter (4.7: wildcards as whole levels, # last, no NUL)';
}

function compilePatterns(kind: Kind, list: unknown, problems: string[]): Template[] {
  if (list === undefined && kind === 'routes') return [];
  if (!Array.isArray(list)) { problems.push(`${kind}: a list of patterns`); return []; }
  if (list.length > ACCESS_POLICY_LIMITS.maxPatterns) problems.push(`${kind}: at most ${ACCESS_POLICY_LIMITS.maxPatterns} patterns`);
  const out: Template[] = [];
  list.forEach((text: unknown, i) => {
    const at = `${kind}[${i}]`;
    if (typeof text !== 'string' || text.length === 0 || text.length > ACCESS_POLICY_LIMITS.maxPatternLength) {
      problems.push(`${at}: a pattern of 1 to ${ACCESS_POLICY_LIMITS.maxPatternLength} characters`);
      return;
    }
    const t = parseTemplate(text);
    const problem = typeof t === 'string' ? t : shapeProblem(kind, templateShape(t, PLACEHOLDER));
    if (problem !== null) problems.push(`${at} ${JSON.stringify(text)}: ${problem}`);
    else out.push(t as Template);
  });
  return out;
}

/** Every problem of every pattern, or the frozen policy. */
export function compileAccessPolicy(spec: AccessPolicySpec): AccessPolicyResult {
  if (typeof spec !== 'object' || spec === null) return { ok: false, problems: Object.freeze(['policy: not an object']) };
  const problems: string[] = [];
  const compiled = {
    publish: Object.freeze(compilePatterns('publish', spec.publish, problems)),
    subscribe: Object.freeze(compilePatterns('subscribe', spec.subscribe, problems)),
    routes: Object.freeze(compilePatterns('routes', spec.routes, problems)),
  };
  if (problems.length > 0) return { ok: false, problems: Object.freeze(problems) };
  return { ok: true, policy: Object.freeze({ [PATTERNS]: Object.freeze(compiled) }) };
}

/** Filled-in topic filters: a value that would make an invalid filter (too long, a lone surrogate) drops it too. */
function fillAll(templates: readonly Template[], ctx: RuleContext, valueOk: ValueCheck, final: (s: string) => boolean): readonly string[] {
  const out = new Set<string>();
  for (const t of templates) {
    const s = fillTemplate(t, ctx, valueOk);
    if (s !== null && final(s)) out.add(s);
  }
  return Object.freeze([...out]);
}

/** Grants made by grantsFor: frozen, every filter already valid, so no need to check them per message. */
const CHECKED = new WeakSet<DeviceGrants>();

/** The concrete grants of one connection; a pattern whose variable is missing or unsafe is left out. */
export function grantsFor(policy: CompiledAccessPolicy, ctx: RuleContext): DeviceGrants {
  const p = policy[PATTERNS];
  const grants = Object.freeze({
    publish: fillAll(p.publish, ctx, topicValueOk, validateTopicFilter),
    subscribe: fillAll(p.subscribe, ctx, topicValueOk, validateTopicFilter),
    routes: fillAll(p.routes, ctx, routeValue, (s) => routePatternProblem(s) === null),
  });
  CHECKED.add(grants);
  return grants;
}

/**
 * Publishing needs a valid topic name matched by a granted filter. Grants built by hand
 * rather than by grantsFor are checked as filters first, so that a malformed one (`a/#/b`)
 * cannot match wider than it reads.
 */
export function mayPublish(grants: DeviceGrants, topic: string): boolean {
  if (!validateTopicName(topic)) return false;
  const checked = CHECKED.has(grants);
  for (const f of grants.publish) if ((checked || validateTopicFilter(f)) && topicMatchesUnchecked(f, topic)) return true;
  return false;
}

/** Subscribing needs a valid filter covered by (a subset of) one granted filter. */
export function maySubscribe(grants: DeviceGrants, filter: string): boolean {
  if (!validateTopicFilter(filter)) return false;
  const checked = CHECKED.has(grants);
  for (const f of grants.subscribe) if ((checked || validateTopicFilter(f)) && filterCoversUnchecked(f, filter)) return true;
  return false;
}

/** Posting needs a path (the query is ignored) that normalizes (route.ts) and matches a granted route. */
export function mayPost(grants: DeviceGrants, path: string): boolean {
  const p = normalizeRequestPath(path);
  if (p === null) return false;
  for (const r of grants.routes) if (routeMatches(r, p)) return true;
  return false;
}
