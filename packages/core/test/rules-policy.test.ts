/** Per-device authorization: patterns with variables, and values that must never widen access. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  compileAccessPolicy, grantsFor, mayPost, mayPublish, maySubscribe, normalizeRequestPath,
  type AccessPolicySpec, type CompiledAccessPolicy, type DeviceGrants,
} from '../src/index.js';
import { ctx, type CtxFields } from './rules-fixtures.js';

function policy(spec: AccessPolicySpec): CompiledAccessPolicy {
  const r = compileAccessPolicy(spec);
  assert.ok(r.ok, JSON.stringify(r));
  return r.policy;
}

const FLEET = policy({
  publish: ['devices/${device.id}/#', 'fleet/${cert.issuer}/${cert.subject.CN}/status', 'broadcast/ack'],
  subscribe: ['devices/${device.id}/commands/+', 'groups/${attributes.group}/#', 'broadcast/#'],
  routes: ['/telemetry/${device.id}', '/telemetry/${device.id}/*', '/firmware/${attributes.model}/${cert.serial}'],
});
const grants = (f: CtxFields = {}): DeviceGrants => grantsFor(FLEET, ctx(f));

describe('grantsFor', () => {
  it('fills every variable in from the connection', () => {
    assert.deepEqual(grants({ attributes: { group: 'north', model: 'cam-2' } }), {
      publish: ['devices/d-1/#', 'fleet/issuing-ca-1/d-1/status', 'broadcast/ack'],
      subscribe: ['devices/d-1/commands/+', 'groups/north/#', 'broadcast/#'],
      routes: ['/telemetry/d-1', '/telemetry/d-1/*', '/firmware/cam-2/4a0f31'],
    });
  });

  it('drops a pattern whose variable is missing: no device id, no attribute, unknown issuer', () => {
    assert.deepEqual(grants({ id: null, issuer: '' }), {
      publish: ['broadcast/ack'], subscribe: ['broadcast/#'], routes: [],
    });
  });

  it('returns frozen grants, each filter once', () => {
    const p = policy({ publish: ['a/${device.id}', 'a/${cert.subject.CN}'], subscribe: [] });
    const g = grantsFor(p, ctx());
    assert.deepEqual(g.publish, ['a/d-1']);
    assert.equal(Object.isFrozen(g) && Object.isFrozen(g.publish) && Object.isFrozen(g.routes), true);
  });

  it('every variable the policy language names', () => {
    const p = policy({
      publish: ['${device.id}|${cert.serial}|${cert.issuer}|${cert.profile}|${cert.subject.CN}|${cert.subject.O}|${attributes.a}|${device.attributes.a}'],
      subscribe: [],
    });
    assert.deepEqual(grantsFor(p, ctx({ attributes: { a: 'v' } })).publish, ['d-1|4a0f31|issuing-ca-1|operational-device|d-1|Acme|v|v']);
  });
});

describe('a variable never widens access', () => {
  // device id -> what stays of publish 'devices/${device.id}/#' and route '/telemetry/${device.id}'
  const table: [string, string[], string[]][] = [
    ['a/#', [], []],
    ['+', [], []],
    ['#', [], []],
    ['a/b', [], []],
    ['', [], []],
    ['a\u0000', [], []],
    ['a\ud800', [], []],
    ['..', ['devices/../#'], []],
    ['.', ['devices/./#'], []],
    ['x%2F..', ['devices/x%2F../#'], []],
    ['a..b', ['devices/a..b/#'], []],
    ['%41', ['devices/%41/#'], []],
    ['a?b', ['devices/a?b/#'], []],
    ['a#b', [], []],
    ['*', ['devices/*/#'], []],
    ['a b', ['devices/a b/#'], []],
    ['a\\b', ['devices/a\\b/#'], []],
    ['$SYS', ['devices/$SYS/#'], ['/telemetry/$SYS']],
    ['d-1:x@y', ['devices/d-1:x@y/#'], ['/telemetry/d-1:x@y']],
    ["it's(1)", ["devices/it's(1)/#"], ["/telemetry/it's(1)"]],
  ];
  const p = policy({ publish: ['devices/${device.id}/#'], subscribe: [], routes: ['/telemetry/${device.id}'] });
  for (const [id, publish, routes] of table) {
    it(`device id ${JSON.stringify(id)}`, () => assert.deepEqual(grantsFor(p, ctx({ id })), { publish, subscribe: [], routes }));
  }

  it('a value may not begin a filter with $: ${device.id}/# must not become $SYS/#', () => {
    const q = policy({ publish: ['${device.id}/#', 'x/${device.id}/#'], subscribe: ['${attributes.tenant}/+'] });
    assert.deepEqual(grantsFor(q, ctx({ id: '$SYS', attributes: { tenant: '$aws' } })), { publish: ['x/$SYS/#'], subscribe: [], routes: [] });
    assert.deepEqual(grantsFor(q, ctx({ id: 'd$', attributes: { tenant: 't' } })), { publish: ['d$/#', 'x/d$/#'], subscribe: ['t/+'], routes: [] });
  });

  it('a value that would make the filter longer than 65535 bytes drops it', () => {
    const q = policy({ publish: ['d/${device.id}'], subscribe: [] });
    assert.deepEqual(grantsFor(q, ctx({ id: 'a'.repeat(65533) })).publish, [`d/${'a'.repeat(65533)}`]);
    assert.deepEqual(grantsFor(q, ctx({ id: 'a'.repeat(65534) })).publish, []);
  });

  it('the kept literal values reach only their own topics and routes', () => {
    const g = grantsFor(p, ctx({ id: '..' }));
    assert.equal(mayPublish(g, 'devices/../x'), true);
    assert.equal(mayPublish(g, 'devices/d-2/x'), false);
    assert.equal(mayPublish(g, 'devices/x'), false);
    const star = grantsFor(policy({ publish: [], subscribe: [], routes: ['/t/${attributes.x}/*'] }), ctx({ attributes: { x: '*' } }));
    assert.deepEqual(star.routes, []);
  });
});

describe('mayPublish', () => {
  const g = grants();
  const table: [string, boolean][] = [
    ['devices/d-1/telemetry', true],
    ['devices/d-1', true],
    ['devices/d-1/a/b/c', true],
    ['devices/d-2/telemetry', false],
    ['devices/d-10/telemetry', false],
    ['devices/d-1/+', false],
    ['devices/d-1/#', false],
    ['broadcast/ack', true],
    ['broadcast/ack/x', false],
    ['fleet/issuing-ca-1/d-1/status', true],
    ['', false],
    ['devices/d-1/\u0000', false],
  ];
  for (const [topic, expected] of table) it(`${JSON.stringify(topic)} ${expected}`, () => assert.equal(mayPublish(g, topic), expected));

  it('a hand-built grant that is not a valid filter grants nothing', () => {
    const bad: DeviceGrants = { publish: ['devices/#/x', 'a#', ''], subscribe: ['devices/#/x'], routes: [] };
    assert.equal(mayPublish(bad, 'devices/d-2/x'), false);
    assert.equal(mayPublish(bad, 'a#'), false);
    assert.equal(maySubscribe(bad, 'devices/d-2/x'), false);
  });
});

describe('maySubscribe', () => {
  const g = grants({ attributes: { group: 'north' } });
  const table: [string, boolean][] = [
    ['devices/d-1/commands/+', true],
    ['devices/d-1/commands/reboot', true],
    ['devices/d-1/commands/#', false],
    ['devices/+/commands/+', false],
    ['devices/d-2/commands/reboot', false],
    ['groups/north/#', true],
    ['groups/north/a/+/b', true],
    ['groups/north', true],
    ['groups/+/x', false],
    ['groups/#', false],
    ['broadcast/+', true],
    ['#', false],
    ['$SYS/#', false],
    ['devices/d-1/commands/+x', false],
  ];
  for (const [filter, expected] of table) it(`${filter} ${expected}`, () => assert.equal(maySubscribe(g, filter), expected));
});

describe('mayPost', () => {
  const g = grants({ attributes: { model: 'cam-2' } });
  const table: [string, boolean, string][] = [
    ['/telemetry/d-1', true, 'exact'],
    ['/telemetry/d-1?batch=7', true, 'the query is not part of the path'],
    ['/telemetry/d-1/2030/06', true, 'under /*'],
    ['/telemetry/d-1/x', true, 'one further segment'],
    ['/telemetry/d-1/', false, 'a trailing / is an empty segment'],
    ['/telemetry/d-1//x', false, 'empty segment'],
    ['/telemetry/d-2', false, 'another device'],
    ['/telemetry/d-10', false, 'a longer id'],
    ['/telemetry', false, 'the parent'],
    ['/telemetry/d-1/../d-2', false, 'dot-dot segment'],
    ['/telemetry/d-1/./x', false, 'dot segment'],
    ['/telemetry/d-1/%2E%2E/d-2', false, 'encoded dot-dot decodes and is refused'],
    ['/telemetry/d-1/%2e%2E', false, 'lower-case escapes too'],
    ['/telemetry/d-1%2F..%2Fd-2', false, 'encoded slash'],
    ['/telemetry/d-1/x%2Fy', false, 'encoded slash under /*'],
    ['/telemetry/d-1/x%5C..', false, 'encoded backslash'],
    ['/telemetry/d-1/x%00', false, 'encoded NUL'],
    ['/telemetry/%64-1', true, 'an encoded unreserved character is decoded (RFC 3986 6.2.2.2)'],
    ['/telemetry/d%2D1', true, 'encoded -'],
    ['/telemetry/d-1/%zz', false, 'malformed escape'],
    ['/telemetry/d-1/%4', false, 'truncated escape'],
    ['/telemetry/d-1/a b', false, 'a raw space is no pchar'],
    ['/telemetry/d-1/a%20b', true, 'an encoded space stays encoded and is one segment'],
    ['/telemetry/d-1\\..\\d-2', false, 'a backslash is no pchar'],
    ['/telemetry/d-1#x', false, 'a fragment is never sent'],
    ['telemetry/d-1', false, 'a path starts with /'],
    ['/TELEMETRY/d-1', false, 'case-sensitive'],
    ['/firmware/cam-2/4a0f31', true, 'two variables'],
    ['/firmware/cam-2/4a0f32', false, 'another serial'],
    ['', false, 'empty'],
  ];
  for (const [path, expected, why] of table) it(`${JSON.stringify(path)} ${expected}: ${why}`, () => assert.equal(mayPost(g, path), expected));

  it('normalizes only what is safe to normalize', () => {
    assert.equal(normalizeRequestPath('/a/%7e%41%2b?x'), '/a/~A%2B');
    assert.equal(normalizeRequestPath('/'), '/');
    assert.equal(normalizeRequestPath('/%2E'), null);
  });

  it('/* needs at least one further segment; a root grant is exact', () => {
    const r = grantsFor(policy({ publish: [], subscribe: [], routes: ['/*', '/'] }), ctx());
    assert.equal(mayPost(r, '/a'), true);
    assert.equal(mayPost(r, '/'), true);
    assert.equal(mayPost({ publish: [], subscribe: [], routes: ['/*'] }, '/'), false);
  });
});

describe('compileAccessPolicy reports every problem', () => {
  it('in topics, variables and routes', () => {
    const r = compileAccessPolicy({
      publish: ['devices/${device.id}#', 'devices/${device.name}/#', 'x/${status}', 'x/${device.id', '', 'ok/${device.id}/+'],
      subscribe: ['a/#/b', '${attributes.a b}', 7 as unknown as string, 'x/${attributes.}', 'x/${}'],
      routes: ['telemetry/${device.id}', '/a/*/b', '/a/%41', '/a?x', '/a//b', '/a/../b', '/a/x*', '/a/${device.id}*'],
    });
    assert.deepEqual(r, { ok: false, problems: [
      'publish[0] "devices/${device.id}#": not a valid MQTT topic filter (4.7: wildcards as whole levels, # last, no NUL)',
      'publish[1] "devices/${device.name}/#": ${device.name} at position 9: device has id and attributes.NAME',
      'publish[2] "x/${status}": ${status} at position 3: write device.id, cert.serial, cert.issuer, cert.subject.NAME or attributes.NAME',
      'publish[3] "x/${device.id": unclosed ${ at position 3',
      'publish[4]: a pattern of 1 to 4096 characters',
      'subscribe[0] "a/#/b": not a valid MQTT topic filter (4.7: wildcards as whole levels, # last, no NUL)',
      'subscribe[1] "${attributes.a b}": ${attributes.a b} at position 1: not a variable name: "attributes.a b"',
      'subscribe[2]: a pattern of 1 to 4096 characters',
      'subscribe[3] "x/${attributes.}": ${attributes.} at position 3: not a variable name: "attributes."',
      'subscribe[4] "x/${}": ${} at position 3: not a variable name: ""',
      'routes[0] "telemetry/${device.id}": a route starts with /',
      `routes[1] "/a/*/b": segment "*": letters, digits and -._~!$&'()+,;=:@ only, * only as the whole last segment`,
      `routes[2] "/a/%41": segment "%41": letters, digits and -._~!$&'()+,;=:@ only, * only as the whole last segment`,
      `routes[3] "/a?x": segment "a?x": letters, digits and -._~!$&'()+,;=:@ only, * only as the whole last segment`,
      'routes[4] "/a//b": empty segment',
      'routes[5] "/a/../b": dot segment ..',
      `routes[6] "/a/x*": segment "x*": letters, digits and -._~!$&'()+,;=:@ only, * only as the whole last segment`,
      `routes[7] "/a/\${device.id}*": segment "x*": letters, digits and -._~!$&'()+,;=:@ only, * only as the whole last segment`,
    ] });
  });

  it('routes are optional; publish and subscribe are lists', () => {
    assert.equal(compileAccessPolicy({ publish: [], subscribe: [] }).ok, true);
    assert.deepEqual(compileAccessPolicy({ publish: 'a' as unknown as string[], subscribe: [] }), { ok: false, problems: ['publish: a list of patterns'] });
    assert.deepEqual(compileAccessPolicy(null as unknown as AccessPolicySpec), { ok: false, problems: ['policy: not an object'] });
    const many = Array.from({ length: 257 }, (_, i) => `t/${i}`);
    assert.deepEqual(compileAccessPolicy({ publish: many, subscribe: [] }), { ok: false, problems: ['publish: at most 256 patterns'] });
  });

  it('a literal $ is text: $SYS and $aws patterns are fine', () => {
    const p = policy({ publish: ['$aws/things/${device.id}/shadow/update'], subscribe: ['$SYS/broker/#'] });
    assert.deepEqual(grantsFor(p, ctx()), { publish: ['$aws/things/d-1/shadow/update'], subscribe: ['$SYS/broker/#'], routes: [] });
  });
});
