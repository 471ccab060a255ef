// OCSP and CRL parse vectors (pyca/cryptography and rustls-webpki, ocsp-crl/README.md in the
// data folder) against the oracle in expected-oracle.json. One case per file:
//   expected SUCCESS when pyca/cryptography 48 parses it and reads every field it lists;
//   expected FAILURE when pyca refuses it, or parses it but fails reading a field it lists
//   (extensions_error, entry_extensions_error: pyca reads lazily, our parsers read eagerly).
// run() parses with the relying-party parser (CRL: parseCrlDetailed, which lists unknown
// critical extensions instead of refusing; OCSP: parseOcspResponse, parseOcspRequest) and,
// when it parses, compares each field the oracle lists: a field that differs is a FAILURE.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCore } from '../lib/core.mjs';

export const suite = 'ocsp-crl';

/** A pyca error that is an API limit, not a parse verdict (its multi-response accessor note). */
const API_NOTES = /response_iter/;

function expectedOf(p) {
  if (!p.ok) return 'FAILURE';
  const lazy = p.extensions_error || (p.revoked_first ?? []).some((e) => e.entry_extensions_error)
    || (p.single_extensions_error && !API_NOTES.test(p.single_extensions_error));
  return lazy ? 'FAILURE' : 'SUCCESS';
}

export function load(dataDir) {
  const dir = join(dataDir, 'ocsp-crl');
  const { files } = JSON.parse(readFileSync(join(dir, 'expected-oracle.json'), 'utf8'));
  return Object.entries(files).map(([file, v]) => {
    const expected = expectedOf(v.pyca);
    const features = [v.kind];
    if (v.pyca.ok && expected === 'FAILURE') features.push('lazy-field-error');
    return {
      id: `ocsp-crl::${file}`,
      namespace: `ocsp-crl::${v.kind}`,
      expected,
      features,
      input: { kind: v.kind, pem: file.endsWith('.pem'), bytes: new Uint8Array(readFileSync(join(dir, file))), oracle: v.pyca },
    };
  });
}

export const init = loadCore;

export async function run(input) {
  const lib = await loadCore();
  let parsed;
  try {
    parsed = parse(lib, input);
  } catch (err) {
    return { actual: 'FAILURE', reason: `${err.code ?? err.name}: ${err.message}` };
  }
  if (!input.oracle.ok) return { actual: 'SUCCESS', reason: 'parsed (the oracle refuses it)' };
  const diffs = FIELDS[input.kind](lib, parsed, input.oracle);
  return diffs.length === 0 ? { actual: 'SUCCESS', reason: 'parsed; fields agree' } : { actual: 'FAILURE', reason: `fields differ: ${diffs.join('; ')}` };
}

function parse(lib, input) {
  const der = input.pem ? lib.fromPem(Buffer.from(input.bytes).toString('latin1'), ['X509 CRL']) : input.bytes;
  if (input.kind === 'crl') return lib.parseCrlDetailed(der);
  if (input.kind === 'ocsp-response') return lib.parseOcspResponse(der);
  return lib.parseOcspRequest(der);
}

// --- field comparison -------------------------------------------------------------

const iso = (d) => (d ? d.toISOString().replace('.000Z', 'Z') : null);
const hex = (b) => (b ? Buffer.from(b).toString('hex') : null);

/** Our serial (magnitude hex, or '-' and two's complement octets) as the oracle's decimal. */
function decimal(serial) {
  if (!serial.startsWith('-')) return BigInt(`0x${serial}`).toString();
  const h = serial.slice(1);
  return BigInt.asIntN(h.length * 4, BigInt(`0x${h}`)).toString();
}

/** pyca's ReasonFlags names for our CRLReason names (RFC 5280 5.3.1). */
const PYCA_REASONS = {
  unspecified: 'unspecified', keyCompromise: 'key_compromise', cACompromise: 'ca_compromise', affiliationChanged: 'affiliation_changed',
  superseded: 'superseded', cessationOfOperation: 'cessation_of_operation', certificateHold: 'certificate_hold',
  removeFromCRL: 'remove_from_crl', privilegeWithdrawn: 'privilege_withdrawn', aACompromise: 'aa_compromise',
};

const extList = (exts) => exts.map((e) => `${e.oid}${e.critical ? '!' : ''}`).join(',');

function compare(diffs, what, ours, theirs) {
  if (theirs === undefined) return;
  const a = JSON.stringify(ours);
  const b = JSON.stringify(theirs);
  if (a !== b) diffs.push(`${what}: ours ${a}, oracle ${b}`);
}

/** RFC 4514 as pyca prints it (most specific first); our formatName escapes the same characters. */
const nameString = (lib, der) => lib.formatName(lib.parseName(der));

function crlEntryFlags(e) {
  return { reasonCode: e.reason !== null, invalidityDate: e.invalidityDate !== null, certificateIssuer: e.certificateIssuer !== null };
}

function oracleEntryFlags(e) {
  const oids = (e.entry_extensions ?? []).map((x) => x.oid);
  return { reasonCode: oids.includes('2.5.29.21'), invalidityDate: oids.includes('2.5.29.24'), certificateIssuer: oids.includes('2.5.29.29') };
}

const FIELDS = {
  crl(lib, c, o) {
    const diffs = [];
    compare(diffs, 'issuer', nameString(lib, c.issuerDer), o.issuer);
    compare(diffs, 'this_update', iso(c.thisUpdate), o.this_update);
    compare(diffs, 'next_update', iso(c.nextUpdate), o.next_update);
    compare(diffs, 'signature_algorithm_oid', c.signatureAlgorithmOid, o.signature_algorithm_oid);
    if (o.extensions) compare(diffs, 'extensions', extList(c.extensions), extList(o.extensions));
    compare(diffs, 'revoked_count', c.entries.length, o.revoked_count);
    (o.revoked_first ?? []).forEach((e, i) => {
      const ours = c.entries[i];
      if (!ours) { diffs.push(`entry ${i} missing`); return; }
      compare(diffs, `entry ${i} serial`, decimal(ours.serial), e.serial_number);
      compare(diffs, `entry ${i} revocation_date`, iso(ours.revocationDate), e.revocation_date);
      if (e.entry_extensions) compare(diffs, `entry ${i} extensions read`, crlEntryFlags(ours), oracleEntryFlags(e));
    });
    return diffs;
  },
  'ocsp-response'(lib, r, o) {
    const diffs = [];
    compare(diffs, 'response_status', r.status.replace(/[A-Z]/g, (ch) => `_${ch}`).toUpperCase(), o.response_status);
    if (r.status !== 'successful') return diffs;
    compare(diffs, 'responder_name', r.responderName ? nameString(lib, r.responderName) : null, o.responder_name);
    compare(diffs, 'responder_key_hash', hex(r.responderKeyId), o.responder_key_hash);
    compare(diffs, 'produced_at', iso(r.producedAt), o.produced_at);
    compare(diffs, 'signature_algorithm_oid', r.signatureAlgorithm.algorithm.oid, o.signature_algorithm_oid);
    compare(diffs, 'certificates', r.certs.length, o.certificates);
    if (o.extensions) compare(diffs, 'extensions', extList(r.extensions), extList(o.extensions));
    compare(diffs, 'single responses', r.responses.length, o.single_responses?.length);
    (o.single_responses ?? []).forEach((s, i) => {
      const ours = r.responses[i];
      if (!ours) return;
      const st = ours.certStatus;
      compare(diffs, `single ${i}`, {
        serial_number: decimal(ours.certId.serial), cert_status: st.status.toUpperCase(), this_update: iso(ours.thisUpdate),
        next_update: iso(ours.nextUpdate), revocation_time: st.status === 'revoked' ? iso(st.revocationTime) : null,
        revocation_reason: st.status === 'revoked' && st.reason ? PYCA_REASONS[st.reason] : null, issuer_name_hash: hex(ours.certId.issuerNameHash),
        issuer_key_hash: hex(ours.certId.issuerKeyHash), hash_algorithm: ours.certId.hashAlgorithm,
      }, s);
    });
    return diffs;
  },
  'ocsp-request'(lib, q, o) {
    const diffs = [];
    const [id] = q.requests;
    compare(diffs, 'serial_number', decimal(id.serial), o.serial_number);
    compare(diffs, 'hash_algorithm', id.hashAlgorithm, o.hash_algorithm);
    compare(diffs, 'issuer_name_hash', hex(id.issuerNameHash), o.issuer_name_hash);
    compare(diffs, 'issuer_key_hash', hex(id.issuerKeyHash), o.issuer_key_hash);
    return diffs;
  },
};
