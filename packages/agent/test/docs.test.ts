/** docs/agent.md lists every agent error code, and only those (STYLE.md 2.4, as docs/errors.md). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { AGENT_ERRORS } from '../src/index.js';

it('docs/agent.md has one row per AGENT_ERRORS code', () => {
  const doc = readFileSync(new URL('../../../../docs/agent.md', import.meta.url), 'utf8');
  const section = doc.split('## Error codes')[1]!.split('\n## ')[0]!;
  const rows = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
  assert.deepEqual(rows, Object.keys(AGENT_ERRORS));
});
