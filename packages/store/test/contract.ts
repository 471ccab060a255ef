/**
 * The Store contract (@fleetpki/ca ports/store.ts), one suite for every adapter: each
 * engine's test file calls runStoreContract with a function that opens a fresh store.
 */
import { describe } from 'node:test';
import { auditContract } from './contract-audit.js';
import { batchesContract } from './contract-batches.js';
import { casContract } from './contract-cas.js';
import { certificatesContract } from './contract-certificates.js';
import { crlContract } from './contract-crl.js';
import { devicesContract } from './contract-devices.js';
import { enrollmentContract } from './contract-enrollment.js';
import { revocationContract, revocationQueryContract } from './contract-revocation.js';
import { searchContract } from './contract-search.js';
import { tokensContract } from './contract-tokens.js';
import type { OpenHarness } from './harness.js';

export function runStoreContract(name: string, open: OpenHarness): void {
  describe(`${name} store contract`, () => {
    describe('CAs and delegated signers', () => casContract(open));
    describe('certificates', () => certificatesContract(open));
    describe('search', () => searchContract(open));
    describe('revocation', () => revocationContract(open));
    describe('revocation by query', () => revocationQueryContract(open));
    describe('CRL and OCSP data', () => crlContract(open));
    describe('audit chain', () => auditContract(open));
    describe('API tokens, settings, migrations', () => tokensContract(open));
    describe('enrollment', () => enrollmentContract(open));
    describe('devices, status events, presence', () => devicesContract(open));
    describe('factory batches', () => batchesContract(open));
  });
}
