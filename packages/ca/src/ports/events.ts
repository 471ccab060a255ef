/** Domain events, published after the store has committed (issue 3 and 7 subscribe to these). */
import type { CrlReason } from '@fleetpki/core';

export type DomainEvent =
  | { readonly type: 'certificate.issued'; readonly serial: string; readonly caName: string; readonly profile: string; readonly deviceId: string | null }
  /** A revocation recorded, or a hold made final (OCSP answers revoked at once; the next delta CRL lists it). */
  | {
    readonly type: 'certificate.revoked'; readonly serial: string; readonly caName: string; readonly deviceId: string | null;
    readonly crlShard: number; readonly reason: CrlReason; readonly revokedAt: Date; readonly invalidityDate: Date | null;
  }
  /** A hold lifted: the certificate is good again (the next delta CRL says removeFromCRL). */
  | {
    readonly type: 'certificate.hold_released'; readonly serial: string; readonly caName: string; readonly deviceId: string | null;
    readonly crlShard: number; readonly releasedAt: Date;
  }
  /** A device's attributes replaced: gateways re-evaluate its rules on live connections. */
  | { readonly type: 'device.attributes_changed'; readonly deviceId: string; readonly attributes: Readonly<Record<string, string>> }
  | { readonly type: 'ca.changed'; readonly caName: string };

export interface EventSink { publish(event: DomainEvent): void }
