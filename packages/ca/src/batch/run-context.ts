/** What every chunk of one batch run shares: fixed when the run starts (sign-batch.ts). */
import type { Profile } from '@fleetpki/core';
import type { BatchPreparer } from '../ports/batch-preparer.js';
import type { CaDeps } from '../context.js';
import type { Actor } from '../auth/permissions.js';
import type { OnlineIssuer } from '../issue/issuer-registry.js';
import type { RunScope } from './classify.js';

export interface RunContext {
  readonly deps: CaDeps;
  readonly actor: Actor;
  readonly issuer: OnlineIssuer;
  readonly profile: Profile;
  readonly scope: RunScope;
  /** Batch-level attributes, `batch` included; a request's own attributes are merged over them. */
  readonly attributes: Readonly<Record<string, string>>;
  /** The batch existed before this run: earlier runs' devices may be met again. */
  readonly resumed: boolean;
}

/** A run with its preparer open (chunk-pipeline.ts). */
export interface PreparingRun extends RunContext {
  readonly preparer: BatchPreparer;
}
