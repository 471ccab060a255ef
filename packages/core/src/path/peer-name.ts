/**
 * Whether the leaf holds the peer's name, from subjectAltName only (RFC 6125 6.4.4: no
 * fallback to the subject CN). DNS: case-insensitive, a wildcard only as the whole left-most
 * label matching exactly one label (RFC 6125 6.4.3). IP: the same octets (RFC 5280 4.2.1.6).
 * Email: the local part exactly, the domain case-insensitively (RFC 5280 4.2.1.6, 7.5).
 */
import type { Certificate } from '../x509/certificate.js';
import { type GeneralName, ipToBytes, isDnsName, isMailbox } from '../x509/general-name.js';
import { type Problem, problem } from './codes.js';
import type { PeerName } from './types.js';

const trimDot = (s: string): string => (s.endsWith('.') ? s.slice(0, -1) : s).toLowerCase();

export function dnsMatches(pattern: string, host: string): boolean {
  if (!isDnsName(pattern, true)) return false;
  const p = trimDot(pattern);
  if (!p.startsWith('*.')) return p === host;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot) === p.slice(1);
}

function ipBytes(text: string): Buffer | null {
  try { return ipToBytes(text); } catch { return null; }
}

function emailMatches(san: string, peer: string): boolean {
  const a = san.lastIndexOf('@');
  const b = peer.lastIndexOf('@');
  return isMailbox(san) && san.slice(0, a) === peer.slice(0, b) && san.slice(a + 1).toLowerCase() === peer.slice(b + 1).toLowerCase();
}

function matcher(peer: PeerName): ((n: GeneralName) => boolean) | null {
  switch (peer.kind) {
    case 'dns': {
      if (!isDnsName(peer.value)) return null;
      const host = trimDot(peer.value);
      return (n) => n.type === 'dns' && dnsMatches(n.value, host);
    }
    case 'ip': {
      const want = ipBytes(peer.value);
      return want && ((n) => n.type === 'ip' && ipBytes(n.value)?.equals(want) === true);
    }
    case 'email':
      return isMailbox(peer.value) ? (n) => n.type === 'email' && emailMatches(n.value, peer.value) : null;
  }
}

export function checkPeerName(c: Certificate, peer: PeerName): Problem | null {
  const m = matcher(peer);
  if (m && c.subjectAltNames.some(m)) return null;
  return problem('PEER_NAME_MISMATCH', `${peer.kind} ${peer.value}`);
}
