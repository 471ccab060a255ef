// The ceilings issuance is measured against: raw node:crypto P-256 sign and verify on one
// core, with the key already a KeyObject (the definition). The cost of importing
// each CSR's key into OpenSSL is ours to pay and is reported apart, not hidden in the ceiling.
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { rateSync } from './measure.mjs';

export function measureCeilings(ms) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = Buffer.alloc(450, 7); // about the size of a device TBS
  const sig = sign('sha256', data, privateKey);
  const signRate = rateSync(() => sign('sha256', data, privateKey), ms);
  const verifyRate = rateSync(() => verify('sha256', data, publicKey, sig), ms);
  const jwk = publicKey.export({ format: 'jwk' });
  const importVerifyRate = rateSync(() => verify('sha256', data, createPublicKey({ key: jwk, format: 'jwk' }), sig), ms);
  const verifyPlusSign = 1 / (1 / signRate + 1 / verifyRate);
  return { signRate, verifyRate, importVerifyRate, verifyPlusSign };
}
