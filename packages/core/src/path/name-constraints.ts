/**
 * Name constraints along a path (RFC 5280 6.1.3 (b)-(c), 6.1.4 (g)). Instead of folding
 * subtrees into permitted/excluded sets, every NameConstraints met so far is kept and each
 * name must satisfy all of them: the same as the RFC's intersection and union, and exact.
 * Names checked: the subject as a directoryName, subject emailAddress attributes as
 * rfc822Names (4.2.1.10), and every subjectAltName. Self-issued intermediates are exempt
 * (6.1.3 (b)); the leaf never is. The anchor's own constraints apply (RFC 5937 treats an
 * anchor's name constraints as constraints on the path), as x509-limbo expects.
 */
import type { Certificate } from '../x509/certificate.js';
import type { NameConstraints } from '../x509/extensions/name-constraints.js';
import type { GeneralName } from '../x509/general-name.js';
import { checkNameInConstraints, nameConstraintsValid } from '../x509/name-constraints-check.js';
import { formatGeneralName } from '../x509/general-name.js';
import type { CertInfo } from './cert-info.js';
import { type Problem, problem } from './codes.js';

const EMAIL_ADDRESS = '1.2.840.113549.1.9.1';
/** Comparisons allowed for one path: pyca/cryptography's bound for the same DoS cases. */
export const NAME_CHECK_BUDGET = 1 << 20;

function namesOf(c: Certificate): GeneralName[] {
  const names: GeneralName[] = [];
  if (c.subject.length) names.push({ type: 'dn', value: c.subject });
  for (const rdn of c.subject) for (const a of rdn) if (a.oid === EMAIL_ADDRESS) names.push({ type: 'email', value: a.value });
  for (const n of c.subjectAltNames) names.push(n);
  return names;
}

function checkCert(c: Certificate, active: readonly NameConstraints[], cost: { n: number }): Problem | null {
  for (const n of namesOf(c)) {
    for (const nc of active) {
      const r = checkNameInConstraints(nc, n, cost);
      if (cost.n > NAME_CHECK_BUDGET) return problem('BUDGET_EXCEEDED', 'too many name-constraint comparisons');
      if (r !== 'ok') return problem('NAME_CONSTRAINTS_VIOLATED', `${formatGeneralName(n)} is ${r.replace('_', ' ')}`);
    }
  }
  return null;
}

/** `path` leaf first, anchor last. Returns the failure and its index in `path`. */
export function checkPathNameConstraints(path: readonly CertInfo[]): { problem: Problem; index: number } | null {
  const active: NameConstraints[] = [];
  const cost = { n: 0 };
  for (let i = path.length - 1; i >= 0; i--) {
    const info = path[i] as CertInfo;
    const c = info.cert;
    if (i < path.length - 1 && active.length && (i === 0 || !info.selfIssued)) {
      const p = checkCert(c, active, cost);
      if (p) return { problem: p, index: i };
    }
    if (i > 0 && c.nameConstraints) {
      if (!nameConstraintsValid(c.nameConstraints)) return { problem: problem('NAME_CONSTRAINTS_VIOLATED', 'malformed name constraints'), index: i };
      active.push(c.nameConstraints);
    }
  }
  return null;
}
