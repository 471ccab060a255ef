/**
 * Who may do what: one table. `system` is the server itself and the local CLI working
 * directly on a data folder (whoever can read the folder already holds the keys' store).
 */
import type { Role } from '../ports/store.js';

export type ActorRole = Role | 'system';
export interface Actor { readonly id: string; readonly role: ActorRole }

export const PERMISSIONS = {
  'certificate.issue': ['admin', 'operator'],
  'certificate.read': ['admin', 'operator', 'auditor'],
  'certificate.revoke': ['admin', 'operator'],
  'device.read': ['admin', 'operator', 'auditor'],
  'device.manage': ['admin', 'operator'],
  'ca.read': ['admin', 'operator', 'auditor'],
  'ca.manage': ['admin'],
  'audit.read': ['admin', 'auditor'],
  'token.manage': ['admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function isAllowed(actor: Actor, permission: Permission): boolean {
  return actor.role === 'system' || (PERMISSIONS[permission] as readonly string[]).includes(actor.role);
}

export const SYSTEM_ACTOR: Actor = Object.freeze({ id: 'system', role: 'system' });
