/**
 * A defensive OCSP request parser (RFC 6960 4.1). Requests come from anyone on the
 * internet: the size, the nesting depth and the number of CertIDs are bounded, DER is
 * strict, and every failure is a PkiError (the responder answers malformedRequest).
 *   OCSPRequest ::= SEQUENCE { tbsRequest TBSRequest, optionalSignature [0] EXPLICIT Signature OPTIONAL }
 *   TBSRequest ::= SEQUENCE {
 *     version             [0] EXPLICIT Version DEFAULT v1,
 *     requestorName       [1] EXPLICIT GeneralName OPTIONAL,
 *     requestList             SEQUENCE OF Request,
 *     requestExtensions   [2] EXPLICIT Extensions OPTIONAL }
 *   Signature ::= SEQUENCE { signatureAlgorithm AlgorithmIdentifier, signature BIT STRING,
 *     certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
 *   Request ::= SEQUENCE { reqCert CertID, singleRequestExtensions [0] EXPLICIT Extensions OPTIONAL }
 */
import { PkiError } from '../errors.js';
import { checkDepth, children, readRoot, readSmallInteger, sequenceOf, type Tlv } from '../der/reader.js';
import { TAG } from '../der/writer.js';
import { type Extension, parseExtensions } from '../x509/extensions/extension.js';
import { type CertId, parseCertId } from './cert-id.js';
import { OID_PKIX_OCSP_NONCE, parseNonce } from './nonce.js';

/** 16 KiB holds a signed request with its certificates; 16 CertIDs is more than any client sends. */
export const OCSP_REQUEST_LIMITS = { maxBytes: 16 * 1024, maxRequests: 16, maxDepth: 24 } as const;

export interface OcspRequest {
  readonly der: Uint8Array;
  readonly requests: readonly CertId[];
  /** The id-pkix-ocsp-nonce octets (1 to 32), or null. */
  readonly nonce: Uint8Array | null;
  /** Whether the request carried an optionalSignature (tolerated, not verified). */
  readonly signed: boolean;
}

export interface OcspRequestOptions {
  readonly maxRequests?: number;
  readonly maxBytes?: number;
}

const malformed = (message: string): PkiError => new PkiError('OCSP_REQUEST_MALFORMED', message);

/** [n] EXPLICIT: exactly one element inside. */
function explicitInner(t: Tlv, what: string): Tlv {
  const [inner, extra] = children(t);
  if (!inner || extra) throw new PkiError('BAD_DER', `${what} must hold one element`);
  return inner;
}

/** RFC 6960 4.4: unrecognized extensions are ignored unless critical; a critical one we do not understand is refused. */
function readExtensions(t: Tlv, understood: ReadonlySet<string>, where: string): Extension[] {
  const exts = parseExtensions(explicitInner(t, where));
  const e = exts.find((x) => x.critical && !understood.has(x.oid));
  if (e) throw malformed(`${where}: critical extension ${e.oid} is not supported`);
  return exts;
}

const REQUEST_EXTENSIONS: ReadonlySet<string> = new Set([OID_PKIX_OCSP_NONCE]);
const NO_EXTENSIONS: ReadonlySet<string> = new Set();

function parseRequest(t: Tlv): CertId {
  const [certIdT, extsT] = sequenceOf(t, 'Request', 1, 2);
  if (extsT) {
    if (extsT.tag !== 0xa0) throw new PkiError('BAD_DER', 'singleRequestExtensions must be [0]');
    readExtensions(extsT, NO_EXTENSIONS, 'singleRequestExtensions');
  }
  return parseCertId(certIdT!, 'OCSP_REQUEST_MALFORMED');
}

/** TBSRequest fields by tag, in the order the definition gives. */
function splitTbsRequest(tbs: Tlv) {
  const f = sequenceOf(tbs, 'TBSRequest', 1, 4);
  let i = 0;
  const versionT = f[i]?.tag === 0xa0 ? f[i++] : undefined;
  const nameT = f[i]?.tag === 0xa1 ? f[i++] : undefined;
  const listT = f[i]?.tag === TAG.SEQUENCE ? f[i++] : undefined;
  const extsT = f[i]?.tag === 0xa2 ? f[i++] : undefined;
  if (!listT || i !== f.length) throw new PkiError('BAD_DER', 'TBSRequest fields out of order');
  // Version ::= INTEGER { v1(0) }
  if (versionT && readSmallInteger(explicitInner(versionT, 'version'), 'version') !== 0) throw malformed('only OCSP v1 requests exist');
  // requestorName is tolerated and not interpreted: we do not authenticate requestors (RFC 6960 4.1.2).
  if (nameT) explicitInner(nameT, 'requestorName');
  return { listT, extsT };
}

/** optionalSignature is parsed past, not verified: FleetPKI answers unsigned requests alike (sigRequired is never sent). */
function checkSignature(sigT: Tlv | undefined): boolean {
  if (!sigT) return false;
  if (sigT.tag !== 0xa0) throw new PkiError('BAD_DER', 'optionalSignature must be [0]');
  sequenceOf(explicitInner(sigT, 'optionalSignature'), 'Signature', 2, 3);
  return true;
}

export function parseOcspRequest(der: Uint8Array, options: OcspRequestOptions = {}): OcspRequest {
  const maxRequests = options.maxRequests ?? OCSP_REQUEST_LIMITS.maxRequests;
  const root = readRoot(der, options.maxBytes ?? OCSP_REQUEST_LIMITS.maxBytes);
  checkDepth(root, OCSP_REQUEST_LIMITS.maxDepth);
  const [tbsT, sigT] = sequenceOf(root, 'OCSPRequest', 1, 2);
  const { listT, extsT } = splitTbsRequest(tbsT!);
  const list = sequenceOf(listT, 'requestList');
  if (list.length === 0) throw malformed('the request list is empty');
  if (list.length > maxRequests) throw malformed(`over ${maxRequests} certificates in one request`);
  const requests = list.map(parseRequest);
  const nonceExt = extsT ? readExtensions(extsT, REQUEST_EXTENSIONS, 'requestExtensions').find((e) => e.oid === OID_PKIX_OCSP_NONCE) : undefined;
  return Object.freeze({
    der, requests: Object.freeze(requests), nonce: nonceExt ? parseNonce(nonceExt.value) : null, signed: checkSignature(sigT),
  });
}
