/**
 * Certificates for the path validator's tests, built directly (TBS + node:crypto sign) so a
 * test can ask for any extension, including ones a conforming CA would refuse to issue.
 */
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { algorithmIdentifier, encodeName, keyIdentifier, parseCertificate, parseNameString, parseSpkiDer, type Certificate, type GeneralName, type NameConstraints } from '../src/index.js';
import { encodeTbs } from '../src/issue/tbs.js';
import { assembleSigned } from '../src/issue/issue.js';
import { bitString, oid, sequence, time, unsignedInteger } from '../src/der/writer.js';
import { encodeExtension } from '../src/x509/extensions/extension.js';
import { encodeBasicConstraints } from '../src/x509/extensions/basic-constraints.js';
import { encodeKeyUsage, type KeyUsageName } from '../src/x509/extensions/key-usage.js';
import { encodeAuthorityKeyIdentifier, encodeSubjectKeyIdentifier } from '../src/x509/extensions/key-identifiers.js';
import { encodeSubjectAltName } from '../src/x509/extensions/subject-alt-name.js';
import { encodeNameConstraints } from '../src/x509/extensions/name-constraints.js';

export const T0 = new Date('2030-01-01T00:00:00Z');
export const T1 = new Date('2031-01-01T00:00:00Z');
export const NOW = new Date('2030-06-15T12:00:00Z');

export interface Node { readonly name: string; readonly keys: { privateKey: KeyObject; publicKey: KeyObject }; readonly spki: Buffer; readonly keyId: Buffer }

export function node(name: string): Node {
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = keys.publicKey.export({ format: 'der', type: 'spki' });
  return { name, keys, spki, keyId: keyIdentifier(parseSpkiDer(spki)) };
}

export interface CertOptions {
  readonly ca?: boolean;
  readonly pathLen?: number;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  readonly keyUsage?: readonly KeyUsageName[];
  readonly eku?: readonly string[];
  readonly san?: readonly GeneralName[];
  readonly nameConstraints?: NameConstraints;
  readonly extra?: readonly Buffer[];
  /** Sign with this key instead of the issuer's (a wrong signature). */
  readonly signWith?: Node;
  readonly noAki?: boolean;
  /** A version 1 certificate: no version field, no extensions. */
  readonly v1?: boolean;
  /** Signed with ecdsa-with-SHA1 (refused as WEAK_ALGORITHM). */
  readonly sha1?: boolean;
}

let serialCounter = 1;

/** `subject`'s certificate issued by `issuer` (itself for a root). */
export function cert(subject: Node, issuer: Node, o: CertOptions = {}): Certificate {
  const ca = o.ca ?? false;
  const exts: Buffer[] = [];
  if (ca || o.pathLen !== undefined) exts.push(encodeExtension('2.5.29.19', true, encodeBasicConstraints({ cA: ca, pathLenConstraint: o.pathLen ?? null })));
  const ku = o.keyUsage ?? (ca ? ['keyCertSign', 'cRLSign'] : ['digitalSignature']);
  if (ku.length) exts.push(encodeExtension('2.5.29.15', true, encodeKeyUsage(ku)));
  if (o.eku) exts.push(encodeExtension('2.5.29.37', false, sequence(...o.eku.map((e) => oid(e)))));
  exts.push(encodeExtension('2.5.29.14', false, encodeSubjectKeyIdentifier(subject.keyId)));
  if (issuer !== subject && !o.noAki) exts.push(encodeExtension('2.5.29.35', false, encodeAuthorityKeyIdentifier(issuer.keyId)));
  if (o.san) exts.push(encodeExtension('2.5.29.17', false, encodeSubjectAltName(o.san)));
  if (o.nameConstraints) exts.push(encodeExtension('2.5.29.30', true, encodeNameConstraints(o.nameConstraints)));
  exts.push(...(o.extra ?? []));
  const serial = Buffer.alloc(8);
  serial.writeUInt32BE(serialCounter++, 4);
  serial[0] = 0x11;
  const f = {
    serial, signatureAlgorithm: o.sha1 ? sequence(oid('1.2.840.10045.4.1')) : algorithmIdentifier('ecdsa-with-SHA256'),
    issuer: encodeName(parseNameString(`CN=${issuer.name}`)), subject: encodeName(parseNameString(`CN=${subject.name}`)),
    notBefore: o.notBefore ?? T0, notAfter: o.notAfter ?? T1, spki: subject.spki, extensions: Buffer.concat(exts),
  };
  const tbs = o.v1
    ? sequence(unsignedInteger(f.serial), f.signatureAlgorithm, f.issuer, sequence(time(f.notBefore), time(f.notAfter)), f.subject, f.spki)
    : encodeTbs(f);
  const signature = sign(o.sha1 ? 'sha1' : 'sha256', tbs, (o.signWith ?? issuer).keys.privateKey);
  if (o.sha1) return { der: sequence(tbs, f.signatureAlgorithm, bitString(signature)) } as unknown as Certificate;
  return parseCertificate(assembleSigned(tbs, 'ecdsa-with-SHA256', signature));
}

/** A root, an issuing CA and a leaf for "device-1.example.com". */
export function simpleChain(leafOptions: CertOptions = {}) {
  const rootN = node('Root');
  const caN = node('Issuing CA');
  const leafN = node('device-1');
  const root = cert(rootN, rootN, { ca: true });
  const ca = cert(caN, rootN, { ca: true, pathLen: 0 });
  const leaf = cert(leafN, caN, { san: [{ type: 'dns', value: 'device-1.example.com' }], eku: ['1.3.6.1.5.5.7.3.2'], ...leafOptions });
  return { rootN, caN, leafN, root, ca, leaf };
}
