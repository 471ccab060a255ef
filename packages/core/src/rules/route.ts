/**
 * HTTP routes a device may post to: patterns such as `/telemetry/${device.id}` or
 * `/telemetry/${device.id}/*`. Matching is on path segments (RFC 3986 section 3.3): exact
 * segments, and a trailing `/*` matches one or more further segments.
 *
 * Request paths are normalized the one way RFC 3986 section 6.2.2.2 makes safe: percent-
 * encoded unreserved characters are decoded (`%7E` is `~`); every other escape stays encoded,
 * so `%2E%2E` decodes to `..` and is refused. A path with a `.` or `..` segment, an empty
 * segment (`//`, a trailing `/`), a malformed escape, an encoded `/`, `\` or NUL (`%2F`,
 * `%5C`, `%00`: a server behind the gateway that decodes them would see other segments than
 * we matched; Apache refuses them by default too, AllowEncodedSlashes) or a character outside
 * RFC 3986's pchar set is refused outright rather than repaired.
 */

/** RFC 3986 section 2.3. */
const UNRESERVED = /^[A-Za-z0-9._~-]$/;
/** pchar without '%' (section 3.3): unreserved, sub-delims, ':' and '@'. */
const PCHAR = /^[A-Za-z0-9._~!$&'()*+,;=:@-]+$/;
/**
 * What a variable may put into a route: pchar without '%', without '*' (which a granted route
 * reads as a wildcard) and without '+' (refused in every kind of pattern, as in topics).
 */
const ROUTE_VALUE = /^[A-Za-z0-9._~!$&'(),;=:@-]+$/;

export const ROUTE_WILDCARD = '*';

/** A variable's value in a route: one safe segment, never `.`, never containing `..`. */
export function routeValueOk(v: string): boolean {
  return ROUTE_VALUE.test(v) && v !== '.' && !v.includes('..');
}

/** A route pattern (after variables): the problem, or null when it is valid. */
export function routePatternProblem(route: string): string | null {
  if (route === '/') return null;
  if (!route.startsWith('/')) return 'a route starts with /';
  const segments = route.slice(1).split('/');
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (s === ROUTE_WILDCARD && i === segments.length - 1) continue;
    if (s === '') return 'empty segment';
    if (s === '.' || s === '..') return `dot segment ${s}`;
    if (!PCHAR.test(s) || s.includes(ROUTE_WILDCARD)) return `segment ${JSON.stringify(s)}: letters, digits and -._~!$&'()+,;=:@ only, * only as the whole last segment`;
  }
  return null;
}

function decodeEscapes(path: string): string | null {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c !== '%') { out += c; continue; }
    const hex = path.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return null;
    const decoded = String.fromCharCode(parseInt(hex, 16));
    if (decoded === '/' || decoded === '\\' || decoded === '\0') return null;
    out += UNRESERVED.test(decoded) ? decoded : `%${hex.toUpperCase()}`;
    i += 2;
  }
  return out;
}

/** The request path as compared with grants, or null when it is refused (see the module comment). */
export function normalizeRequestPath(target: string): string | null {
  if (typeof target !== 'string') return null;
  const q = target.indexOf('?');
  const raw = q < 0 ? target : target.slice(0, q);
  if (!raw.startsWith('/') || !/^[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/.test(raw)) return null;
  const path = raw.includes('%') ? decodeEscapes(raw) : raw;
  if (path === null) return null;
  if (path === '/') return path;
  for (const s of path.slice(1).split('/')) if (s === '' || s === '.' || s === '..') return null;
  return path;
}

/** `path` normalized; `route` a granted route: equal, or under a granted `/*`. */
export function routeMatches(route: string, path: string): boolean {
  if (route.endsWith('/*')) {
    const prefix = route.slice(0, -1);
    return path.length > prefix.length && path.startsWith(prefix);
  }
  return route === path;
}
