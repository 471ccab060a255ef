/**
 * docs/errors.md lists every gateway refusal code, and only those, with the HTTP status and
 * MQTT CONNACK codes the protocol tables answer (STYLE.md 2.4: one table, a test keeps the
 * page in step).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { GATEWAY_ERROR_CODES, HTTP_STATUS, MQTT_CONNACK, type GatewayErrorCode } from '../src/index.js';

const DOC = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
/** MQTT 5 reason code aedes sends for each 3.1.1 return code we use (MQTT 5.0 3.2.2.2). */
const V5: Record<number, string> = { 2: '0x85', 3: '0x88', 5: '0x87' };

describe('docs/errors.md, gateway refusals', () => {
  const rows = [...DOC.matchAll(/^\| `([A-Z0-9_]+)` \(gateway\) \| HTTP (\d{3}), CONNACK (\d) \/ (0x[0-9a-f]{2}) \|/gm)];

  it('lists every gateway code, and only those', () => {
    assert.deepEqual(rows.map((m) => m[1]).sort(), [...GATEWAY_ERROR_CODES].sort());
  });

  it('shows the HTTP status and CONNACK codes the tables answer with', () => {
    for (const [, code, http, v3, v5] of rows) {
      const c = code as GatewayErrorCode;
      assert.deepEqual([Number(http), Number(v3), v5], [HTTP_STATUS[c], MQTT_CONNACK[c], V5[MQTT_CONNACK[c]]], c);
    }
  });
});
