/**
 * A profile as data: what the JSON in builtin.ts or an operator's file says. compile.ts
 * turns it into a frozen Profile; nothing reads a ProfileSpec after that.
 */
import type { KeyType } from '../crypto/public-key.js';
import type { KeyPurposeName } from '../x509/extensions/ext-key-usage.js';
import type { KeyUsageName } from '../x509/extensions/key-usage.js';

/** Whether a kind of name may, must or must not appear. */
export type NameRule = 'forbidden' | 'optional' | 'required';
export type ProfileKind = 'root' | 'ca' | 'end-entity';

export interface ProfileSpec {
  readonly name: string;
  readonly description?: string;
  readonly kind: ProfileKind;
  readonly keyTypes: readonly KeyType[];
  /** Durations ("90d"); `max` is enforced, `default` is used when the request names none. */
  readonly validity: { readonly default: string; readonly max: string };
  /** notBefore is set this far in the past to absorb device clock skew. */
  readonly backdate?: string;
  readonly subject: { readonly allowed: readonly string[]; readonly required: readonly string[] };
  readonly san: {
    readonly dns?: NameRule; readonly ip?: NameRule; readonly email?: NameRule; readonly uri?: NameRule;
    /** IEEE 802.1AR / RFC 4108 hardwareModuleName otherName. */
    readonly hardwareModuleName?: NameRule;
    /** The device id URI (the deployment's device URI prefix + id). */
    readonly deviceId?: NameRule;
    readonly maxNames?: number;
  };
  readonly keyUsage: readonly KeyUsageName[];
  readonly extKeyUsage?: readonly KeyPurposeName[];
  /** Only for CA kinds; null means no pathLenConstraint. */
  readonly pathLenConstraint?: number | null;
  readonly extensions?: {
    readonly crlDistributionPoints?: boolean;
    readonly authorityInfoAccess?: boolean;
    /** id-pkix-ocsp-nocheck (RFC 6960 4.2.2.2.1), for OCSP signers. */
    readonly ocspNoCheck?: boolean;
    /** noRevAvail (RFC 9608), for short-lived certificates that are never revoked. */
    readonly noRevAvail?: boolean;
  };
}
