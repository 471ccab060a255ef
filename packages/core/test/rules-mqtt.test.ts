/** MQTT topic names, filters, matching and coverage, against MQTT 3.1.1 section 4.7 (the same in MQTT 5.0). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MQTT_TOPIC_MAX_BYTES, mqttFilterCovers, mqttTopicMatches, validateTopicFilter, validateTopicName } from '../src/index.js';

describe('validateTopicName and validateTopicFilter (4.7.1, 4.7.3)', () => {
  const table: [string, boolean, boolean][] = [
    // text, valid name, valid filter
    ['sport/tennis/player1', true, true],
    ['Accounts payable', true, true],
    ['/finance', true, true],
    ['/', true, true],
    ['a//b', true, true],
    ['$SYS/broker/load', true, true],
    ['', false, false],
    ['#', false, true],
    ['+', false, true],
    ['sport/tennis/#', false, true],
    ['sport/+/player1', false, true],
    ['+/+', false, true],
    ['/+', false, true],
    ['sport/tennis#', false, false],
    ['sport/tennis/#/ranking', false, false],
    ['sport+', false, false],
    ['sport/+tennis', false, false],
    ['#/a', false, false],
    ['##', false, false],
    ['a/\u0000', false, false],
    ['a\ud800', false, false],
    ['a\udc00b', false, false],
    ['\u{1F600}/é', true, true],
  ];
  for (const [text, name, filter] of table) {
    it(JSON.stringify(text), () => {
      assert.equal(validateTopicName(text), name);
      assert.equal(validateTopicFilter(text), filter);
    });
  }

  it('counts the 65535-byte limit in UTF-8 bytes', () => {
    assert.equal(MQTT_TOPIC_MAX_BYTES, 65535);
    assert.equal(validateTopicName('a'.repeat(65535)), true);
    assert.equal(validateTopicName('a'.repeat(65536)), false);
    assert.equal(validateTopicName(`${'é'.repeat(32767)}a`), true);
    assert.equal(validateTopicName('é'.repeat(32768)), false);
    assert.equal(validateTopicName(`${'\u{1F600}'.repeat(16383)}aaa`), true);
    assert.equal(validateTopicName(`${'\u{1F600}'.repeat(16383)}aaaa`), false);
    assert.equal(validateTopicFilter(`${'a'.repeat(65533)}/#`), true);
    assert.equal(validateTopicFilter(`${'a'.repeat(65534)}/#`), false);
  });

  it('refuses what is not a string', () => {
    assert.equal(validateTopicName(undefined as unknown as string), false);
    assert.equal(validateTopicFilter(7 as unknown as string), false);
  });
});

describe('mqttTopicMatches: the examples of section 4.7', () => {
  const table: [string, string, boolean, string][] = [
    ['sport/tennis/player1/#', 'sport/tennis/player1', true, '4.7.1.2: # includes the parent'],
    ['sport/tennis/player1/#', 'sport/tennis/player1/ranking', true, '4.7.1.2'],
    ['sport/tennis/player1/#', 'sport/tennis/player1/score/wimbledon', true, '4.7.1.2'],
    ['sport/tennis/player1/#', 'sport/tennis/player2', false, ''],
    ['sport/#', 'sport', true, '4.7.1.2: "sport/#" also matches "sport"'],
    ['#', 'sport/tennis', true, '4.7.1.2'],
    ['#', '/', true, ''],
    ['sport/tennis/+', 'sport/tennis/player1', true, '4.7.1.3'],
    ['sport/tennis/+', 'sport/tennis/player2', true, '4.7.1.3'],
    ['sport/tennis/+', 'sport/tennis/player1/ranking', false, '4.7.1.3'],
    ['sport/+', 'sport', false, '4.7.1.3: "sport/+" does not match "sport"'],
    ['sport/+', 'sport/', true, '4.7.1.3: but it does match "sport/"'],
    ['+/+', '/finance', true, '4.7.1.3'],
    ['/+', '/finance', true, '4.7.1.3'],
    ['+', '/finance', false, '4.7.1.3'],
    ['#', '$SYS/monitor/Clients', false, '4.7.2: a leading wildcard does not match $ topics'],
    ['+/monitor/Clients', '$SYS/monitor/Clients', false, '4.7.2'],
    ['$SYS/#', '$SYS/monitor/Clients', true, '4.7.2'],
    ['$SYS/monitor/+', '$SYS/monitor/Clients', true, '4.7.2'],
    ['#', '$', false, '4.7.2'],
    ['+', 'a$', true, 'only a leading $ is special'],
    ['ACCOUNTS', 'Accounts', false, '4.7.3: case-sensitive'],
    ['Accounts payable', 'Accounts payable', true, '4.7.3: spaces are characters'],
    ['/finance', 'finance', false, '4.7.3: a leading / is a level'],
    ['a//b', 'a//b', true, 'empty levels'],
    ['a/+/b', 'a//b', true, '+ matches an empty level'],
    ['a/#', 'a/', true, ''],
    ['a/', 'a', false, ''],
    ['ab', 'abc', false, ''],
    ['abc', 'ab', false, ''],
    ['sport/tennis#', 'sport/tennis#', false, 'an invalid filter matches nothing'],
    ['sport/#', 'sport/+', false, 'a filter is not a topic name'],
    ['', '', false, 'empty is invalid'],
  ];
  for (const [filter, topic, expected, why] of table) {
    it(`${filter} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(topic)} ${why}`, () => assert.equal(mqttTopicMatches(filter, topic), expected));
  }
});

describe('mqttFilterCovers: a requested filter within a granted one', () => {
  const table: [string, string, boolean][] = [
    ['devices/d1/#', 'devices/d1/a/+', true],
    ['devices/d1/#', 'devices/d1/#', true],
    ['devices/d1/#', 'devices/d1', true],
    ['devices/d1/#', 'devices/d1/a/#', true],
    ['devices/d1/#', 'devices/+/a', false],
    ['devices/d1/#', 'devices/#', false],
    ['devices/d1/#', '#', false],
    ['devices/d1/#', 'devices/d10/a', false],
    ['devices/+/status', 'devices/d1/status', true],
    ['devices/+/status', 'devices/+/status', true],
    ['devices/+/status', 'devices/#', false],
    ['devices/+/status', 'devices/d1/status/x', false],
    ['devices/+', 'devices', false],
    ['devices/+', 'devices/', true],
    ['devices/d1', 'devices/d1', true],
    ['devices/d1', 'devices/+', false],
    ['#', 'anything/+/#', true],
    ['#', '$SYS/#', false],
    ['+/#', '$SYS/x', false],
    ['$SYS/#', '$SYS/+/x', true],
    ['#', '+/x', true],
    ['+/#', '#', true],
    ['/+/#', '/#', true],
    ['a/+/#', 'a/#', false],
    ['+/+/#', '+/#', false],
    ['devices/d1/#', 'devices/d1/a#', false],
    ['devices/d1#', 'devices/d1', false],
  ];
  for (const [granted, requested, expected] of table) {
    it(`${granted} ${expected ? 'covers' : 'does not cover'} ${requested}`, () => assert.equal(mqttFilterCovers(granted, requested), expected));
  }
});
