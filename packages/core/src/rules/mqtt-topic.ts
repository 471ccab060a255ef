/**
 * MQTT topic names and filters, MQTT 3.1.1 section 4.7 (the same text in MQTT 5.0 section
 * 4.7). Everything scans the strings in place: a broker checks a publish against a device's
 * grants on every message.
 */

const SLASH = 0x2f;
const PLUS = 0x2b;
const HASH = 0x23;
const DOLLAR = 0x24;
/** 4.7.3: a topic is a UTF-8 string of at most 65535 bytes (1.5.3). */
export const MQTT_TOPIC_MAX_BYTES = 65535;

/**
 * UTF-8 length, or -1 for a string that has no UTF-8 form (a lone surrogate) or holds
 * U+0000: MQTT 1.5.3 forbids both, and 4.7.3 repeats the NUL ban for topics.
 */
function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return -1;
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdfff) {
      const d = s.charCodeAt(i + 1);
      if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) return -1;
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function wellFormed(s: string): boolean {
  if (typeof s !== 'string' || s.length === 0) return false;
  const n = utf8Length(s);
  return n > 0 && n <= MQTT_TOPIC_MAX_BYTES;
}

/** 4.7.3 and 4.7.1.1: what a client may publish to: non-empty, no NUL, no wildcards. */
export function validateTopicName(t: string): boolean {
  if (!wellFormed(t)) return false;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === PLUS || c === HASH) return false;
  }
  return true;
}

/** 4.7.1.2 and 4.7.1.3: '+' and '#' only as whole levels, '#' only as the last level. */
export function validateTopicFilter(f: string): boolean {
  if (!wellFormed(f)) return false;
  for (let i = 0; i < f.length; i++) {
    const c = f.charCodeAt(i);
    if (c !== PLUS && c !== HASH) continue;
    const wholeLevel = (i === 0 || f.charCodeAt(i - 1) === SLASH) && (i + 1 === f.length || f.charCodeAt(i + 1) === SLASH);
    if (!wholeLevel || (c === HASH && i + 1 !== f.length)) return false;
  }
  return true;
}

/**
 * Matching of a valid filter against a valid topic name, level by level:
 * '+' matches exactly one level (an empty one too), '#' the parent level and any number of
 * children (4.7.1.2: "sport/#" matches "sport"), and a filter starting with a wildcard does
 * not match a topic starting with '$' (4.7.2).
 */
export function topicMatchesUnchecked(filter: string, topic: string): boolean {
  const fc0 = filter.charCodeAt(0);
  if (topic.charCodeAt(0) === DOLLAR && (fc0 === PLUS || fc0 === HASH)) return false;
  let f = 0;
  let t = 0;
  for (;;) {
    // Both f and t stand at the start of a level.
    const c = filter.charCodeAt(f);
    if (c === HASH) return true;
    if (c === PLUS) {
      f++;
      while (t < topic.length && topic.charCodeAt(t) !== SLASH) t++;
    } else {
      while (f < filter.length && filter.charCodeAt(f) !== SLASH) {
        if (t >= topic.length || topic.charCodeAt(t) !== filter.charCodeAt(f)) return false;
        f++;
        t++;
      }
      if (t < topic.length && topic.charCodeAt(t) !== SLASH) return false;
    }
    if (f === filter.length) return t === topic.length;
    // The filter goes on; a topic that ended here matches only a trailing "/#" (its parent).
    if (t === topic.length) return f + 2 === filter.length && filter.charCodeAt(f + 1) === HASH;
    f++;
    t++;
  }
}

/** MQTT 3.1.1 / 5.0 section 4.7: false for an invalid filter or topic name. */
export function mqttTopicMatches(filter: string, topic: string): boolean {
  return validateTopicFilter(filter) && validateTopicName(topic) && topicMatchesUnchecked(filter, topic);
}

/**
 * Whether every topic `requested` matches is matched by `granted` too (a subscription may be
 * narrower than the grant, never wider). Level by level: '#' granted covers the rest; '+'
 * granted covers any one level but a requested '#'; a literal covers only itself.
 */
export function filterCoversUnchecked(granted: string, requested: string): boolean {
  const g = granted.split('/');
  const r = requested.split('/');
  // '#' also reaches its parent (4.7.1.2), except where the parent would be the empty topic,
  // which is no topic name (4.7.3): there "#" reaches what "+/#" reaches, and "/#" what "/+/#" does.
  if (requested === '#' || requested === '/#') r.splice(-1, 0, '+');
  // 4.7.2: a leading wildcard in the grant never reaches the '$' topics a literal request names.
  if ((g[0] === '+' || g[0] === '#') && r[0]!.startsWith('$')) return false;
  for (let i = 0; i < g.length; i++) {
    const level = g[i]!;
    if (level === '#') return true;
    const want = r[i];
    if (want === undefined || want === '#') return false;
    if (level !== '+' && level !== want) return false;
  }
  return g.length === r.length;
}

export function mqttFilterCovers(granted: string, requested: string): boolean {
  return validateTopicFilter(granted) && validateTopicFilter(requested) && filterCoversUnchecked(granted, requested);
}
