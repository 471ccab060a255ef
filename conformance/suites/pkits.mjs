// NIST PKITS 1.0.1 through verifyPath, one case per run of pkits/pkits-testcases.json
// (pkits/README.md in the data folder). RFC 5280 section 6 with its four initial policy
// inputs, and revocation of every certificate of the path from the listed CRLs.
// With algorithms: 'legacy': PKITS 4.1.4-4.1.6 (and their CRLs) are DSA with SHA-1, which
// verifyPath refuses by default (right for a device PKI) and verifies on this explicit
// opt-in (decision 006); no other PKITS case uses SHA-1 or DSA, so nothing else changes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeFailure, loadValidator } from '../lib/core.mjs';

export const suite = 'pkits';

export function load(dataDir) {
  const dir = join(dataDir, 'pkits');
  const manifest = JSON.parse(readFileSync(join(dir, 'pkits-testcases.json'), 'utf8'));
  const cache = new Map();
  const der = (sub, name, ext) => {
    const file = join(dir, sub, `${name}.${ext}`);
    if (!cache.has(file)) cache.set(file, new Uint8Array(readFileSync(file)));
    return cache.get(file);
  };
  return manifest.testcases.map((t) => ({
    id: t.id,
    namespace: `pkits::${t.section}`,
    expected: t.expected_result,
    features: t.features,
    input: {
      anchor: der('certs', t.trust_anchor, 'crt'),
      // Sorted by name, not in path order, so that path building is exercised too.
      intermediates: [...t.intermediates].sort().map((n) => der('certs', n, 'crt')),
      leaf: der('certs', t.end_entity, 'crt'),
      crls: t.crls.map((n) => der('crls', n, 'crl')),
      validationTime: t.validation_time,
      policy: {
        initialPolicySet: t.initial_policy_set_oids,
        initialExplicitPolicy: t.initial_explicit_policy,
        initialPolicyMappingInhibit: t.initial_policy_mapping_inhibit,
        initialAnyPolicyInhibit: t.initial_inhibit_any_policy,
      },
    },
  }));
}

export const init = loadValidator;

export async function run(input) {
  const lib = await loadValidator();
  let anchor, leaf;
  try {
    anchor = parse(lib, input.anchor, 'trust anchor');
    leaf = parse(lib, input.leaf, 'end entity');
  } catch (err) {
    return { actual: 'FAILURE', reason: err.message };
  }
  const result = lib.verifyPath({
    leaf,
    // DER: verifyPath parses the pool itself and skips what it cannot parse.
    intermediates: input.intermediates,
    anchors: [{ kind: 'certificate', certificate: anchor }],
    now: new Date(input.validationTime),
    usage: 'any',
    policy: input.policy,
    // PKITS checks revocation of every certificate of the path (4.4.1 fails only for a missing CRL).
    revocation: { crls: input.crls, mode: 'require', scope: 'path' },
    algorithms: 'legacy',
  });
  if (!result.ok) return { actual: 'FAILURE', reason: describeFailure(result) };
  return { actual: 'SUCCESS', reason: `path of ${result.path.length}, policies ${result.policies.join(' ') || '(none)'}` };
}

function parse(lib, der, what) {
  try { return lib.parseCertificate(der, { algorithms: 'legacy' }); } catch (err) { throw new Error(`${what} does not parse: ${err.code ? `${err.code}: ` : ''}${err.message}`); }
}
