import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_PROFILES, compileProfile, compileProfiles, PkiError, type ProfileSpec } from '../src/index.js';

test('every built-in profile compiles and is frozen', () => {
  const profiles = compileProfiles(BUILTIN_PROFILES);
  assert.deepEqual([...profiles.keys()], ['root', 'issuing-ca', 'manufacturer-ca', 'device-idevid', 'device-operational', 'gateway-server', 'ocsp-signer', 'short-lived']);
  for (const p of profiles.values()) assert.ok(Object.isFrozen(p));
  assert.equal(profiles.get('short-lived')!.maxValiditySeconds, 24 * 3600);
  assert.equal(profiles.get('manufacturer-ca')!.pathLenConstraint, 0);
});

test('a bad profile reports every problem at once with PROFILE_INVALID', () => {
  const bad = {
    name: 'Bad Name', kind: 'end-entity', keyTypes: ['ecdsa-p521'], validity: { default: '400d', max: '397d' },
    subject: { allowed: ['CN'], required: ['O'] }, san: { dns: 'sometimes' }, keyUsage: ['keyCertSign'], pathLenConstraint: 0,
  } as unknown as ProfileSpec;
  try {
    compileProfile(bad);
    assert.fail('compiled');
  } catch (e) {
    assert.ok(e instanceof PkiError);
    assert.equal(e.code, 'PROFILE_INVALID');
    assert.deepEqual(e.detail?.['issues'], [
      'name: lower-case letters, digits and dashes',
      'keyTypes: unknown ecdsa-p521',
      'subject.required: O is not allowed',
      'san.dns: forbidden, optional or required',
      'keyUsage: keyCertSign/cRLSign only in CA profiles',
      'pathLenConstraint: only in CA profiles (RFC 5280 4.2.1.9)',
      'validity.default: exceeds validity.max',
    ]);
  }
});

test('a CA profile without keyCertSign is invalid (RFC 5280 4.2.1.9)', () => {
  const spec = { ...BUILTIN_PROFILES[1]!, keyUsage: ['digitalSignature'] } as ProfileSpec;
  assert.throws(() => compileProfile(spec), (e: PkiError) => e.code === 'PROFILE_INVALID' && /keyCertSign/.test(e.message));
});

test('duplicate profile names are refused', () => {
  assert.throws(() => compileProfiles([BUILTIN_PROFILES[0]!, BUILTIN_PROFILES[0]!]), (e: PkiError) => e.code === 'PROFILE_INVALID' && /defined twice/.test(e.message));
});
