/**
 * Reading OCSP responses (RFC 6960 4.2), for tests and for the device agent: structure,
 * status, fields and the signed bytes. Verifying the signature and the responder's
 * authority (4.2.2.2) is the caller's step, with the returned tbsResponseData.
 * The definitions are quoted in response.ts and single-response.ts.
 */
import { PkiError } from '../errors.js';
import { parseSignatureAlgorithm, type ParsedSignatureAlgorithm } from '../crypto/algorithm-identifier.js';
import { checkDepth, children, content, expectTag, readBitString, readOid, readRoot, readSmallInteger, sequenceOf, type Tlv, whole } from '../der/reader.js';
import { TAG } from '../der/writer.js';
import { type Extension, parseExtensions } from '../x509/extensions/extension.js';
import { parseTime } from '../x509/time.js';
import { OID_PKIX_OCSP_NONCE, parseNonce } from './nonce.js';
import { OCSP_RESPONSE_STATUS, OID_PKIX_OCSP_BASIC, type OcspResponseStatus } from './response.js';
import { parseSingleResponse, type SingleResponse } from './single-response.js';

/** A response carries its signer's certificate chain: more room than a request. */
export const OCSP_RESPONSE_MAX_BYTES = 64 * 1024;

export interface BasicOcspResponse {
  readonly status: 'successful';
  readonly der: Uint8Array;
  readonly producedAt: Date;
  /** ResponderID byKey, or null when the responder is named byName. */
  readonly responderKeyId: Uint8Array | null;
  /** ResponderID byName (the Name DER), or null. */
  readonly responderName: Uint8Array | null;
  readonly responses: readonly SingleResponse[];
  readonly nonce: Uint8Array | null;
  readonly extensions: readonly Extension[];
  readonly certs: readonly Uint8Array[];
  readonly tbsResponseData: Uint8Array;
  readonly signatureAlgorithm: ParsedSignatureAlgorithm;
  readonly signature: Uint8Array;
}

export type OcspResponse = BasicOcspResponse | { readonly status: Exclude<OcspResponseStatus, 'successful'>; readonly der: Uint8Array };

const invalid = (message: string): PkiError => new PkiError('OCSP_RESPONSE_INVALID', message);
const STATUS_BY_CODE: ReadonlyMap<number, OcspResponseStatus> = new Map(Object.entries(OCSP_RESPONSE_STATUS).map(([k, v]) => [v, k as OcspResponseStatus]));

function explicitOne(t: Tlv, what: string): Tlv {
  const [inner, extra] = children(t);
  if (!inner || extra) throw new PkiError('BAD_DER', `${what} must hold one element`);
  return inner;
}

function readStatus(t: Tlv | undefined): OcspResponseStatus {
  if (t?.tag !== TAG.ENUMERATED || t.end - t.contentStart !== 1) throw new PkiError('BAD_DER', 'responseStatus must be a one-octet ENUMERATED');
  const status = STATUS_BY_CODE.get(t.buf[t.contentStart] as number);
  if (!status) throw invalid(`responseStatus ${t.buf[t.contentStart]} is not defined`);
  return status;
}

function readResponderId(t: Tlv | undefined): { responderKeyId: Uint8Array | null; responderName: Uint8Array | null } {
  if (t?.tag === 0xa2) {
    const key = explicitOne(t, 'byKey');
    if (key.tag !== TAG.OCTET_STRING || key.end - key.contentStart !== 20) throw invalid('byKey must be a 20-octet SHA-1 KeyHash');
    return { responderKeyId: content(key), responderName: null };
  }
  if (t?.tag === 0xa1) return { responderKeyId: null, responderName: whole(expectTag(explicitOne(t, 'byName'), TAG.SEQUENCE, 'byName')) };
  throw new PkiError('BAD_DER', 'responderID must be byName [1] or byKey [2]');
}

/** 4.4: unrecognized response extensions are ignored unless critical. */
function readResponseExtensions(t: Tlv | undefined): { extensions: Extension[]; nonce: Uint8Array | null } {
  if (!t) return { extensions: [], nonce: null };
  const extensions = parseExtensions(explicitOne(t, 'responseExtensions'));
  const critical = extensions.find((e) => e.critical && e.oid !== OID_PKIX_OCSP_NONCE);
  if (critical) throw invalid(`responseExtensions: critical extension ${critical.oid} is not supported`);
  const nonce = extensions.find((e) => e.oid === OID_PKIX_OCSP_NONCE);
  return { extensions, nonce: nonce ? parseNonce(nonce.value) : null };
}

function parseResponseData(t: Tlv) {
  const f = sequenceOf(t, 'ResponseData', 3, 5);
  let i = 0;
  const versionT = f[0]?.tag === 0xa0 ? f[i++] : undefined;
  if (versionT && readSmallInteger(explicitOne(versionT, 'version'), 'version') !== 0) throw invalid('only OCSP v1 responses exist');
  const [idT, producedT, listT] = [f[i++], f[i++], f[i++]];
  const extsT = f[i]?.tag === 0xa1 ? f[i++] : undefined;
  if (i !== f.length || producedT?.tag !== TAG.GENERALIZED_TIME) throw new PkiError('BAD_DER', 'ResponseData fields out of order');
  const responses = sequenceOf(listT, 'responses').map(parseSingleResponse);
  if (responses.length === 0) throw invalid('the response answers no CertID');
  return { ...readResponderId(idT), producedAt: parseTime(producedT), responses: Object.freeze(responses), ...readResponseExtensions(extsT) };
}

function parseBasic(der: Uint8Array, value: Uint8Array): BasicOcspResponse {
  const basic = readRoot(value);
  checkDepth(basic); // an OCTET STRING's content is not walked by the outer check
  const [tbsT, algT, sigT, certsT] = sequenceOf(basic, 'BasicOCSPResponse', 3, 4);
  if (certsT && certsT.tag !== 0xa0) throw new PkiError('BAD_DER', 'BasicOCSPResponse has unexpected fields');
  const certs = certsT ? sequenceOf(explicitOne(certsT, 'certs'), 'certs').map((c) => whole(expectTag(c, TAG.SEQUENCE, 'Certificate'))) : [];
  return Object.freeze({
    status: 'successful', der, ...parseResponseData(tbsT!), certs: Object.freeze(certs), tbsResponseData: whole(tbsT!),
    signatureAlgorithm: parseSignatureAlgorithm(algT), signature: readBitString(sigT, 'signature').bytes,
  });
}

export function parseOcspResponse(der: Uint8Array, options: { readonly maxBytes?: number } = {}): OcspResponse {
  const root = readRoot(der, options.maxBytes ?? OCSP_RESPONSE_MAX_BYTES);
  checkDepth(root);
  const [statusT, bytesT] = sequenceOf(root, 'OCSPResponse', 1, 2);
  const status = readStatus(statusT);
  if (status !== 'successful') {
    // 4.2.1: "If the value of responseStatus is one of the error conditions, the responseBytes field is not set."
    if (bytesT) throw invalid('an error response carries responseBytes');
    return Object.freeze({ status, der });
  }
  if (bytesT?.tag !== 0xa0) throw invalid('a successful response has no responseBytes');
  const [typeT, valueT] = sequenceOf(explicitOne(bytesT, 'responseBytes'), 'ResponseBytes', 2, 2);
  const type = readOid(typeT, 'responseType');
  if (type !== OID_PKIX_OCSP_BASIC) throw invalid(`response type ${type} is not id-pkix-ocsp-basic`);
  if (valueT?.tag !== TAG.OCTET_STRING) throw new PkiError('BAD_DER', 'response must be an OCTET STRING');
  return parseBasic(der, content(valueT));
}
