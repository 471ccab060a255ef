/**
 * The checks on every message of an admitted connection, the same for MQTT PUBLISH and
 * HTTPS POST:
 *   1. the connection was not closed by enforcement a moment ago
 *   2. authorization: the topic or route is granted to this device (access patterns)
 *   3. the `send` rules hold with the device's current attributes
 *   4. a report naming a way station follows the sequence rules (refuse, or flag and alert)
 */
import { firstFailingRule, mayPost, mayPublish, type CompiledRuleSet } from '@fleetpki/core';
import type { LiveConnection } from './live-connections.js';
import { refusal, type Refusal } from './refusals.js';
import type { SequenceTracker, SequenceViolation } from './sequence-tracker.js';

export type MessageTarget = { readonly kind: 'publish'; readonly topic: string } | { readonly kind: 'post'; readonly route: string };

export type MessageResult =
  | { readonly ok: true; readonly flagged: readonly SequenceViolation[] }
  | { readonly ok: false; readonly refusal: Refusal; readonly flagged: readonly SequenceViolation[] };

export interface MessageGateDeps {
  readonly rules: CompiledRuleSet;
  readonly sequences: SequenceTracker;
  readonly stationField: string;
  /** Each violation found (refused or flagged): the alert. */
  readonly onViolation: (c: LiveConnection, v: SequenceViolation) => void;
}

const ACCEPTED: MessageResult = Object.freeze({ ok: true, flagged: Object.freeze([]) });

/** The station a report names: a string field of a JSON object body. */
export function stationOf(json: unknown, field: string): string | null {
  if (typeof json !== 'object' || json === null || Array.isArray(json) || !Object.hasOwn(json, field)) return null;
  const v = (json as Record<string, unknown>)[field];
  return typeof v === 'string' && v.length > 0 ? v : null;
}

/** JSON of an MQTT payload that looks like an object; anything else is no report. */
export function jsonObjectOf(payload: Uint8Array): unknown {
  if (payload.length === 0 || payload[0] !== 0x7b) return undefined;
  try { return JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.length).toString('utf8')); } catch { return undefined; }
}

export class MessageGate {
  constructor(private readonly d: MessageGateDeps) {}

  /** Whether reports may carry stations at all (MQTT parses payloads only then). */
  get tracksSequences(): boolean { return this.d.sequences.rules.length > 0; }

  /** Steps 1-3, before a body is read: null when the message may go on. */
  authorize(c: LiveConnection, target: MessageTarget): Refusal | null {
    // 1. still admitted (a closed connection's last message, an MQTT will, may still pass)
    if (c.closedBy) return c.closedBy;
    // 2. authorization
    const granted = target.kind === 'publish' ? mayPublish(c.grants, target.topic) : mayPost(c.grants, target.route);
    if (!granted) return refusal('GATEWAY_NOT_AUTHORIZED', target.kind === 'publish' ? { topic: target.topic } : { route: target.route });
    // 3. send rules
    const failing = firstFailingRule(this.d.rules.send, c.ctx);
    return failing ? refusal('GATEWAY_RULE_FAILED', { rule: failing.name }) : null;
  }

  /** Step 4, with the body: a way-station report moves the device's sequences. */
  async report(c: LiveConnection, json: unknown): Promise<MessageResult> {
    const station = this.tracksSequences ? stationOf(json, this.d.stationField) : null;
    if (station === null) return ACCEPTED;
    const outcome = await this.d.sequences.report(c.admitted.deviceId, c.ctx, station);
    for (const v of outcome.flagged) this.d.onViolation(c, v);
    if (outcome.ok) return { ok: true, flagged: outcome.flagged };
    this.d.onViolation(c, outcome.violation);
    const v = outcome.violation;
    return { ok: false, refusal: refusal(v.code, { sequence: v.rule, station: v.station, expected: v.expected }), flagged: outcome.flagged };
  }

  /** All four steps. */
  async check(c: LiveConnection, target: MessageTarget, json: unknown): Promise<MessageResult> {
    const refused = this.authorize(c, target);
    return refused ? { ok: false, refusal: refused, flagged: [] } : this.report(c, json);
  }
}
