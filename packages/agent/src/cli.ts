/**
 * `fleetpki-agent`: the composition root, the only file that reads the config file, the
 * environment and argv.
 *   fleetpki-agent run     --config FILE   the daemon (logs JSON lines on stdout)
 *   fleetpki-agent once    --config FILE   one tick: enroll or renew if due, checks; exit 0 on success
 *   fleetpki-agent renew   --config FILE   renew now, whatever the schedule says
 *   fleetpki-agent status  --config FILE [--json]
 *   fleetpki-agent check-config --config FILE
 * FLEETPKI_AGENT_CONFIG may stand for --config.
 */
import { readFileSync } from 'node:fs';
import { Agent } from './agent.js';
import { parseConfig } from './config.js';
import { isAgentError } from './errors.js';
import { jsonLinesLogger } from './log.js';
import type { AgentStatus } from './status.js';

type Env = Readonly<Record<string, string | undefined>>;

function configPath(args: readonly string[], env: Env): string {
  const i = args.indexOf('--config');
  const p = i >= 0 ? args[i + 1] : env['FLEETPKI_AGENT_CONFIG'];
  if (!p) throw new Error('--config FILE (or FLEETPKI_AGENT_CONFIG) is required');
  return p;
}

function human(s: AgentStatus): string {
  const id = s.identity;
  return [
    `state:          ${s.state}`,
    `identity:       ${id ? `${id.subject} serial ${id.serial} (generation ${id.generation}, ${id.source})` : 'none'}`,
    `valid:          ${id ? `${id.notBefore} .. ${id.notAfter}` : '-'}`,
    `next renewal:   ${s.nextRenewalAt ?? '-'}`,
    `last renewal:   ${s.lastRenewalAt ?? '-'}`,
    `last error:     ${s.lastError ? `${s.lastError.code} at ${s.lastError.at}: ${s.lastError.message}` : 'none'}`,
    `last OCSP:      ${s.lastOcsp ? `${s.lastOcsp.status} at ${s.lastOcsp.checkedAt}` : '-'}`,
    `trust store:    ${s.trustStore ? `bundle sequence ${s.trustStore.sequence}` : 'missing'}`,
    ...(s.trustStore?.anchors.map((a) => `  ${a}`) ?? []),
  ].join('\n');
}

export async function main(args: readonly string[], env: Env): Promise<number> {
  const cmd = args[0] ?? 'help';
  try {
    if (!['run', 'once', 'renew', 'status', 'check-config'].includes(cmd)) {
      process.stderr.write('usage: fleetpki-agent run|once|renew|status|check-config --config FILE [--json]\n');
      return cmd === 'help' ? 0 : 2;
    }
    const config = parseConfig(JSON.parse(readFileSync(configPath(args, env), 'utf8')));
    if (cmd === 'check-config') { process.stdout.write('configuration ok\n'); return 0; }
    const log = jsonLinesLogger((l) => process.stdout.write(l), () => new Date());
    const agent = new Agent({ config, log });
    if (cmd === 'status') {
      const s = agent.status();
      process.stdout.write(args.includes('--json') ? `${JSON.stringify(s, null, 2)}\n` : `${human(s)}\n`);
      return 0;
    }
    if (cmd === 'run') {
      const stop = new AbortController();
      for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => { stop.abort(); process.exit(0); });
      await agent.run(stop.signal);
      return 0;
    }
    if (cmd === 'renew') agent.forceRenewal();
    const r = await agent.tick();
    return r.error ? 1 : 0;
  } catch (e) {
    process.stderr.write(`error ${isAgentError(e) ? e.code : 'INTERNAL'}: ${(e as Error).message}\n`);
    return 1;
  }
}
