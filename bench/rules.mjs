// Gateway rules (issue 7): a 3-rule send set evaluated per message, and MQTT publish checks,
// each beside a ceiling measured in the same run: the same decisions hand-written in plain
// JavaScript (property reads and string compares, no rule language). The ratio is what the
// compiled closures cost over code written by hand for one fixed rule set.
import { compileAccessPolicy, compileRuleSet, firstFailingRule, grantsFor, mayPublish } from '@fleetpki/core';
import { rateSync } from './measure.mjs';

const SPECS = [
  { name: 'active', when: 'send', expression: 'status == "active"' },
  { name: 'firmware', when: 'send', expression: 'firmware >= "2.4"' },
  { name: 'not-flagged', when: 'send', expression: '!exists(flag) || flag not in ["stolen", "recalled"]' },
];
const ctx = {
  device: { id: 'd-000042', attributes: { status: 'active', firmware: '2.10.3', model: 'cam-2' } },
  cert: { serial: '4a0f31', subject: { CN: 'd-000042' }, issuer: 'issuing-ca-1', profile: 'operational-device' },
};

/** The same three decisions by hand: versions compared by splitting, as one would write it. */
function handWritten(c) {
  const a = c.device.attributes;
  if (a.status !== 'active') return false;
  const v = a.firmware.split('.');
  if (!(Number(v[0]) > 2 || (Number(v[0]) === 2 && Number(v[1] ?? 0) >= 4))) return false;
  return a.flag === undefined || (a.flag !== 'stolen' && a.flag !== 'recalled');
}

export function measureRules({ ms }) {
  const set = compileRuleSet(SPECS);
  if (!set.ok) throw new Error(set.problems.join('\n'));
  const rules = set.rules.send;
  if (firstFailingRule(rules, ctx) !== null || !handWritten(ctx)) throw new Error('the benchmark context must pass');
  const evaluations = rateSync(() => firstFailingRule(rules, ctx), ms);
  const handRate = rateSync(() => handWritten(ctx), ms);

  const policy = compileAccessPolicy({ publish: ['devices/${device.id}/#', 'fleet/${cert.issuer}/status'], subscribe: [] });
  if (!policy.ok) throw new Error(policy.problems.join('\n'));
  const grants = grantsFor(policy.policy, ctx);
  const topic = 'devices/d-000042/telemetry/temperature';
  const prefix = 'devices/d-000042/';
  if (!mayPublish(grants, topic)) throw new Error('the benchmark topic must be allowed');
  const topicChecks = rateSync(() => mayPublish(grants, topic), ms);
  const handTopic = rateSync(() => topic.startsWith(prefix) && !topic.includes('+') && !topic.includes('#'), ms);
  const grantRate = rateSync(() => grantsFor(policy.policy, ctx), ms);
  return { evaluations, handRate, topicChecks, handTopic, grantRate };
}
