/**
 * What a rule or an access policy may look at, and how a path names one value of it.
 *
 * The attributes are the seed's "certificate metadata attributes": kept apart from the
 * certificate, changed by the operator, checked on every connect and send, so that changing
 * one refuses a device at once ("instant revocation", seeds/002). The certificate fields are
 * the ones the gateway read from the validated client certificate.
 */

/** One connection's view: the device record (if the gateway knows the device) and its certificate. */
export interface RuleContext {
  readonly device: {
    readonly id: string | null;
    readonly attributes: Readonly<Record<string, string>>;
  };
  readonly cert: {
    /** Lower-case hex, as the registry shows it. */
    readonly serial: string;
    /** Subject attributes by short name: CN, O, OU, serialNumber ... */
    readonly subject: Readonly<Record<string, string>>;
    /** The issuing CA's name as the gateway knows it, or '' when it knows none. */
    readonly issuer: string;
    readonly profile: string | null;
  };
}

/** Which value a path names; `key` is the attribute or subject short name. */
export type PathRef =
  | { readonly root: 'attribute'; readonly key: string }
  | { readonly root: 'subject'; readonly key: string }
  | { readonly root: 'deviceId' | 'serial' | 'issuer' | 'profile' };

/** Reads one value; undefined when it is missing (absent key, null id or profile, issuer ''). */
export type Accessor = (ctx: RuleContext) => string | undefined;

/**
 * An own string property only: `attributes.constructor` or `attributes.__proto__` must be
 * missing, not Object.prototype's members (a plain object has them through its prototype).
 */
function ownString(record: Readonly<Record<string, string>>, key: string): string | undefined {
  if (!Object.hasOwn(record, key)) return undefined;
  const v = record[key];
  return typeof v === 'string' ? v : undefined;
}

const nonNull = (v: string | null): string | undefined => (typeof v === 'string' ? v : undefined);

/** Compiled once per rule or pattern; the closures allocate nothing when called. */
export function accessorFor(ref: PathRef): Accessor {
  switch (ref.root) {
    case 'attribute': { const k = ref.key; return (ctx) => ownString(ctx.device.attributes, k); }
    case 'subject': { const k = ref.key; return (ctx) => ownString(ctx.cert.subject, k); }
    case 'deviceId': return (ctx) => nonNull(ctx.device.id);
    case 'serial': return (ctx) => (ctx.cert.serial === '' ? undefined : ctx.cert.serial);
    // The gateway passes '' for a CA it does not know: that is "no issuer", not a name.
    case 'issuer': return (ctx) => (ctx.cert.issuer === '' ? undefined : ctx.cert.issuer);
    case 'profile': return (ctx) => nonNull(ctx.cert.profile);
  }
}

/** A name in a path: letters, digits, `_` and `-` (`.` separates; other names need ["..."]). */
export const NAME_CHARS = /^[A-Za-z0-9_-]+$/;

/**
 * Resolves path segments (`device.id`, `cert.subject.CN`, `attributes.x`, or a bare `x`)
 * to a PathRef, or says what is wrong. `bare` allows a lone name to mean an attribute.
 */
export function resolvePath(segments: readonly string[], bare: boolean): PathRef | string {
  const [head, a, b, ...rest] = segments;
  const tooLong = rest.length > 0;
  switch (head) {
    case 'attributes':
      return a !== undefined && b === undefined ? { root: 'attribute', key: a } : 'write attributes.NAME, or attributes["NAME"] for a name with a dot';
    case 'device':
      if (a === 'id' && b === undefined) return { root: 'deviceId' };
      if (a === 'attributes' && b !== undefined && !tooLong) return { root: 'attribute', key: b };
      return 'device has id and attributes.NAME';
    case 'cert':
      if ((a === 'serial' || a === 'issuer' || a === 'profile') && b === undefined) return { root: a };
      if (a === 'subject' && b !== undefined && !tooLong) return { root: 'subject', key: b };
      return 'cert has serial, issuer, profile and subject.NAME';
    default:
      if (bare && head !== undefined && a === undefined) return { root: 'attribute', key: head };
      return bare ? `unknown root '${head ?? ''}': a bare name is an attribute; a dotted path starts with attributes, device or cert`
        : 'write device.id, cert.serial, cert.issuer, cert.subject.NAME or attributes.NAME';
  }
}
