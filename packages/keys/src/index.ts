/**
 * @fleetpki/keys: Signer and KeyVault adapters. Software keys are encrypted PKCS#8 at
 * rest; a PKCS#11 adapter will sit behind the same KeyVault port.
 */
export { softwareSigner, signatureAlgorithmFor, type SignerOptions } from './software-signer.js';
export { generatePrivateKey } from './key-generation.js';
export { ENCRYPTED_PEM_LABEL, MIN_PASSPHRASE_LENGTH, decryptPrivateKey, encryptPrivateKey } from './encrypted-pkcs8.js';
export { PKCS8_KEY_KIND, Pkcs8KeyVault } from './pkcs8-key-vault.js';
export { readEncryptedKeyFile, writeEncryptedKeyFile, writeFileExclusive } from './key-file.js';
export { resolvePassphrase, type PassphraseSources } from './passphrase.js';
