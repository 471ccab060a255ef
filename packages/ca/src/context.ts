/** What every use case receives: the ports, and the deployment settings compiled once. */
import type { Profile } from '@fleetpki/core';
import type { Clock, RandomSource } from './ports/clock.js';
import type { EventSink } from './ports/events.js';
import type { KeyVault } from './ports/keys.js';
import type { Store } from './ports/store.js';
import type { WebhookClient } from './ports/webhook.js';
import type { CrlSettings } from './status/crl-publisher.js';
import type { OcspSettings } from './status/ocsp-responder.js';

/** Defaults for the status services: OCSP answers valid an hour, CRLs a day, deltas an hour. */
export const DEFAULT_OCSP_SETTINGS: OcspSettings = Object.freeze({ validitySeconds: 3600, refreshBeforeSeconds: 300, cacheEntries: 500_000, maxInFlight: 512 });
export const DEFAULT_CRL_SETTINGS: CrlSettings = Object.freeze({ fullValiditySeconds: 86400, deltaValiditySeconds: 3600 });

export interface CaSettings {
  readonly profiles: ReadonlyMap<string, Profile>;
  /** Base URL written into certificates: `${publicUrl}/crl/<ca>.crl`, `/ocsp`, `/ca/<ca>.crt`. */
  readonly publicUrl: string;
  /** Host of device id URIs under CAs without their own namespace. */
  readonly deviceNamespace: string;
  /** CRL shards per CA (crlShardOf); 1 (the default) is one CRL per CA. */
  readonly crlShards?: number;
  readonly ocsp?: OcspSettings;
  readonly crl?: CrlSettings;
}

export interface CaDeps {
  readonly store: Store;
  readonly keys: KeyVault;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly events: EventSink;
  readonly settings: CaSettings;
  /** Outbound HTTP for enrollment groups' pre-issuance webhooks; without it such groups refuse. */
  readonly webhook?: WebhookClient;
}
