/**
 * Candidate issuers (RFC 5280 6.1, path building per RFC 4158): certificates whose subject
 * matches the child's issuer by the 7.1 rules. Candidates whose subjectKeyIdentifier equals
 * the child's authorityKeyIdentifier come first, anchors before intermediates; a candidate
 * whose SKI differs from the AKI is kept but tried last (the AKI is a hint, RFC 4158 3.5.12).
 */
import type { CertInfo } from './cert-info.js';

export interface Candidate { readonly info: CertInfo; readonly anchor: boolean }

export class IssuerIndex {
  private readonly bySubject = new Map<string, Candidate[]>();

  add(info: CertInfo, anchor: boolean): void {
    const list = this.bySubject.get(info.subjectKey);
    if (!list) this.bySubject.set(info.subjectKey, [{ info, anchor }]);
    else if (!list.some((c) => c.info.cert.der === info.cert.der && c.anchor === anchor)) list.push({ info, anchor });
  }

  candidates(child: CertInfo): readonly Candidate[] {
    const list = this.bySubject.get(child.issuerKey);
    if (!list || list.length < 2) return list ?? [];
    const aki = child.cert.authorityKeyIdentifier;
    const score = (c: Candidate): number => {
      const ski = c.info.cert.subjectKeyIdentifier;
      const keyScore = !aki || !ski ? 1 : Buffer.compare(aki, ski) === 0 ? 0 : 2;
      return keyScore * 2 + (c.anchor ? 0 : 1);
    };
    return [...list].sort((a, b) => score(a) - score(b));
  }
}
