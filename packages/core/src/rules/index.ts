/** Attribute rules, sequence rules and per-device topic / route authorization for the ingestion gateway (docs/rules.md). */
export type { RuleContext } from './context.js';
export { RULE_LIMITS } from './parse.js';
export {
  compileRule, compileRuleSet, evaluateRule, firstFailingRule,
  type CompiledRule, type CompiledRuleSet, type NamedRule, type RuleSetResult, type RuleSpec, type RuleWhen,
} from './rule.js';
export {
  SEQUENCE_LIMITS, advanceSequence, compileSequenceRules, expectedStations,
  type CompiledSequenceRule, type SequenceRuleSpec, type SequenceRulesResult, type SequenceState, type SequenceStep,
} from './sequence.js';
export { MQTT_TOPIC_MAX_BYTES, mqttFilterCovers, mqttTopicMatches, validateTopicFilter, validateTopicName } from './mqtt-topic.js';
export {
  ACCESS_POLICY_LIMITS, compileAccessPolicy, grantsFor, mayPost, mayPublish, maySubscribe,
  type AccessPolicyResult, type AccessPolicySpec, type CompiledAccessPolicy, type DeviceGrants,
} from './access-policy.js';
export { normalizeRequestPath } from './route.js';
