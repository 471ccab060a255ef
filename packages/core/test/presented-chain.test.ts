/** presentedChain: node's linked peer certificate to DER, leaf first; encodeOcspRequest: what parseOcspRequest reads back. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeOcspRequest, MAX_PRESENTED_CHAIN, parseOcspRequest, presentedChain, type LinkedPeerCertificate } from '../src/index.js';

const der = (n: number) => Buffer.from([0x30, 0x01, n]);

describe('presentedChain', () => {
  it('walks issuerCertificate links leaf first, and stops at a self-signed link to itself', () => {
    const root: { raw: Buffer; issuerCertificate?: LinkedPeerCertificate } = { raw: der(3) };
    root.issuerCertificate = root;
    assert.deepEqual(presentedChain({ raw: der(1), issuerCertificate: { raw: der(2), issuerCertificate: root } }), [der(1), der(2), der(3)]);
  });

  it('answers nothing for no certificate (node gives {}), and at most MAX_PRESENTED_CHAIN', () => {
    assert.deepEqual(presentedChain({}), []);
    assert.deepEqual(presentedChain(null), []);
    let c: LinkedPeerCertificate = { raw: der(0) };
    for (let i = 1; i < 40; i++) c = { raw: der(i), issuerCertificate: c };
    assert.equal(presentedChain(c).length, MAX_PRESENTED_CHAIN);
  });
});

describe('encodeOcspRequest', () => {
  it('encodes CertIDs that parseOcspRequest reads back, without a nonce', () => {
    // A full CertID: SHA-1 algorithm, two 20-octet hashes, serial 0x0102.
    const certId = Buffer.concat([Buffer.from('3027300906052b0e03021a05000414', 'hex'), Buffer.alloc(20, 1), Buffer.from('0414', 'hex'), Buffer.alloc(20, 2), Buffer.from('02020102', 'hex')]);
    certId[1] = certId.length - 2;
    const parsed = parseOcspRequest(encodeOcspRequest([{ der: certId }]));
    assert.deepEqual([parsed.requests.length, parsed.requests[0]!.serial, parsed.nonce, parsed.signed], [1, '0102', null, false]);
  });
});
