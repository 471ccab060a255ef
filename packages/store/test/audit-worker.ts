/**
 * A second process for the contract suite: opens the store from the config in argv[2] and
 * appends argv[3] audit events tagged argv[4], several calls in flight at once, plus one
 * intent per call group. Used to show the chain stays whole across processes.
 */
import { openStore, type StoreConfig } from '../src/index.js';
import { event, intent } from './fixtures.js';

const [configJson = '', countText = '0', tag = 'w'] = process.argv.slice(2);
const store = await openStore(JSON.parse(configJson) as StoreConfig);
try {
  const count = Number(countText);
  for (let i = 0; i < count; i += 10) {
    const calls = Array.from({ length: Math.min(10, count - i) }, (_, k) =>
      store.appendAudit([event('worker.append', { target: `${tag}-${i + k}`, detail: { tag, n: i + k } })]));
    calls.push(store.recordIntents([intent(`${tag}${i}`)]).then(() => undefined));
    await Promise.all(calls);
  }
} finally {
  await store.close();
}
