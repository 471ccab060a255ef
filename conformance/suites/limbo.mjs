// x509-limbo (C2SP) through verifyPath. x509-limbo/README.md in the data folder has the
// schema; limbo-schema.json the exact meaning of each field.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeFailure, loadValidator } from '../lib/core.mjs';

export const suite = 'limbo';

/** limbo's KnownEKUs (RFC 5280 4.2.1.12) as OIDs. */
const EKU_OIDS = {
  anyExtendedKeyUsage: '2.5.29.37.0',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  OCSPSigning: '1.3.6.1.5.5.7.3.9',
};
const PEER_KINDS = { DNS: 'dns', IP: 'ip', RFC822: 'email' };

/** limbo.json (9,780 cases) or, with { core: true }, limbo-core.json (208, no bettertls). */
export function load(dataDir, options = {}) {
  const file = join(dataDir, 'x509-limbo', options.core ? 'limbo-core.json' : 'limbo.json');
  const { testcases } = JSON.parse(readFileSync(file, 'utf8'));
  return testcases.map((t) => ({
    id: t.id,
    namespace: t.id.split('::').slice(0, -1).join('::') || t.id,
    expected: t.expected_result,
    features: [...t.features, ...syntheticFeatures(t)],
    input: {
      trusted_certs: t.trusted_certs, untrusted_intermediates: t.untrusted_intermediates, peer_certificate: t.peer_certificate,
      validation_time: t.validation_time, validation_kind: t.validation_kind, expected_peer_name: t.expected_peer_name,
      expected_peer_names: t.expected_peer_names, extended_key_usage: t.extended_key_usage, key_usage: t.key_usage,
      max_chain_depth: t.max_chain_depth, crls: t.crls, signature_algorithms: t.signature_algorithms,
    },
  }));
}

/**
 * Tags for capabilities.json beyond limbo's own: which profile a case belongs to when it
 * `conflicts_with` a case of the other profile (rfc5280::X vs webpki::X assert opposite
 * verdicts), and inputs verifyPath has no knob for.
 */
function syntheticFeatures(t) {
  const tags = [];
  if ((t.conflicts_with ?? []).length > 0) tags.push(`profile:${t.id.split('::')[0]}`);
  if ((t.signature_algorithms ?? []).length > 0) tags.push('signature-algorithms');
  return tags;
}

export const init = loadValidator;

export async function run(input) {
  const lib = await loadValidator();
  const parsed = parseAll(lib, input);
  if (parsed.error) return { actual: 'FAILURE', reason: parsed.error };
  const base = verifyInput(input, parsed);
  // CLIENT cases name every identity the client certificate must hold; verifyPath checks one.
  const names = input.validation_kind === 'CLIENT' ? input.expected_peer_names : [input.expected_peer_name].filter(Boolean);
  let last;
  for (const name of names.length > 0 ? names : [null]) {
    const peerName = name ? { kind: PEER_KINDS[name.kind], value: name.value } : undefined;
    last = lib.verifyPath(peerName ? { ...base, peerName } : base);
    if (!last.ok) return { actual: 'FAILURE', reason: describeFailure(last) };
  }
  return { actual: 'SUCCESS', reason: `path of ${last.path.length}, ${last.signatureChecks} signature checks` };
}

/** Decodes every PEM input and parses leaf and anchors; one that does not parse rejects the case. */
function parseAll(lib, input) {
  const cert = (pem) => lib.parseCertificate(lib.fromPem(pem, ['CERTIFICATE']));
  try {
    return {
      leaf: tryParse(() => cert(input.peer_certificate), 'peer certificate'),
      anchors: input.trusted_certs.map((pem, i) => tryParse(() => ({ kind: 'certificate', certificate: cert(pem) }), `trusted cert ${i}`)),
      // DER, not parsed here: verifyPath skips a pool certificate it cannot parse (junk in the
      // pool, e.g. a SHA-1 signed cross-sign in bettertls::pathbuilding, is not the leaf's fault).
      intermediates: input.untrusted_intermediates.map((pem, i) => tryParse(() => lib.fromPem(pem, ['CERTIFICATE']), `intermediate ${i}`)),
      crls: input.crls.map((pem, i) => tryParse(() => lib.fromPem(pem, ['X509 CRL']), `CRL ${i}`)),
    };
  } catch (err) {
    return { error: err.message };
  }
}

function tryParse(fn, what) {
  try { return fn(); } catch (err) { throw new Error(`${what} does not parse: ${err.code ? `${err.code}: ` : ''}${err.message}`); }
}

function verifyInput(input, parsed) {
  const ekus = input.extended_key_usage ?? [];
  const vi = {
    leaf: parsed.leaf,
    intermediates: parsed.intermediates,
    anchors: parsed.anchors,
    // null: "now"; those certificates are valid from 1970 to 2969 (x509-limbo/README.md).
    now: input.validation_time ? new Date(input.validation_time) : new Date(),
    // An explicit EKU list replaces the usage's default EKU.
    usage: ekus.length > 0 ? 'any' : input.validation_kind === 'CLIENT' ? 'clientAuth' : 'serverAuth',
  };
  if (ekus.length > 0) vi.extKeyUsage = ekus.map((name) => EKU_OIDS[name] ?? name);
  if ((input.key_usage ?? []).length > 0) vi.keyUsage = input.key_usage;
  // limbo's max_chain_depth: intermediates allowed, self-issued repeats of a CA not counted
  // (pathlen::max-chain-depth-1-self-issued).
  if (input.max_chain_depth !== null && input.max_chain_depth !== undefined) vi.maxIntermediates = input.max_chain_depth;
  // CRLs given means "check the leaf with these", as OpenSSL's -crl_check in upstream's
  // harness: a CRL that cannot be used (crl::issuer-missing-crlsign) must not fail open, as
  // 'if-available' would. Every crl:: chain is root -> leaf, the root issuing the CRL.
  if (parsed.crls.length > 0) vi.revocation = { crls: parsed.crls, mode: 'require', scope: 'leaf' };
  return vi;
}
