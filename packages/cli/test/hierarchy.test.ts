/**
 * The production hierarchy end to end through the `fleetpki` command, and every chain it
 * issues checked by peers nobody here wrote: OpenSSL and GnuTLS.
 *   init-root -> ca request -> ca sign (offline) -> ca import -> create-manufacturer
 *   -> cert issue (device-idevid with a hardwareModuleName, device-operational)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildHierarchy, NAMESPACE, tempDir, type Hierarchy } from './support/hierarchy.js';
import { certtoolVerify, makeCsr, makeKey, opensslVerify, requireCerttool, withoutLast, x509Text } from './support/peers.js';
import { cli, cliOk, PUBLIC_URL, toolOk } from './support/run.js';
import { startServer, stopServer } from './support/server.js';

interface Issued {
  readonly name: string;
  readonly serial: string;
  readonly leaf: string;
  /** Issuer chain (manufacturer CA, issuing CA, root) as cert issue --chain-out wrote it. */
  readonly chain: string;
  /** Leaf first, then the chain: what a TLS client sends, and what certtool reads. */
  readonly full: string;
  readonly intermediates: string;
}

const HW_TYPE = '1.3.6.1.4.1.55555.1.1';
const HW_SERIAL = '00a1b2c3d4';

async function issue(h: Hierarchy, name: string, csr: string, profile: string, extra: readonly string[] = []): Promise<Issued> {
  const leaf = join(h.dir, `${name}.crt.pem`);
  const chain = join(h.dir, `${name}.chain.pem`);
  const r = await cliOk(['cert', 'issue', '--data', h.data, '--csr', csr, '--profile', profile, '--ca', h.manufacturer,
    '--out', leaf, '--chain-out', chain, '--json', ...extra]);
  const full = join(h.dir, `${name}.full.pem`);
  writeFileSync(full, readFileSync(leaf, 'utf8') + readFileSync(chain, 'utf8'));
  const intermediates = withoutLast(readFileSync(chain, 'utf8'), join(h.dir, `${name}.intermediates.pem`));
  return { name, serial: (JSON.parse(r.stdout) as { serial: string }).serial, leaf, chain, full, intermediates };
}

describe('production hierarchy through the CLI', { timeout: 120_000 }, () => {
  let h: Hierarchy;
  let idevid: Issued;
  let operational: Issued;
  let manufacturerCert: string;

  before(async () => {
    h = await buildHierarchy(tempDir('hierarchy'));
    const key = await makeKey(h.dir, 'device-0001');
    const idevidCsr = await makeCsr(h.dir, 'idevid', key, {
      subject: '/serialNumber=SN-0001/CN=Device 0001', hardwareModule: { hwType: HW_TYPE, serialHex: HW_SERIAL },
    });
    const operationalCsr = await makeCsr(h.dir, 'operational', key, { subject: '/CN=Device 0001' });
    idevid = await issue(h, 'idevid', idevidCsr, 'device-idevid');
    operational = await issue(h, 'operational', operationalCsr, 'device-operational', ['--device-id', '0001', '--validity', '90d']);
    manufacturerCert = join(h.dir, 'cm1.crt.pem');
    writeFileSync(manufacturerCert, (await cliOk(['ca', 'show', h.manufacturer, '--data', h.data, '--pem'])).stdout);
  });
  after(() => { if (h) rmSync(h.dir, { recursive: true, force: true }); });

  it('init-root writes an encrypted 0600 key that OpenSSL opens, and prints the fingerprint OpenSSL computes', async () => {
    const keyFile = join(h.rootDir, 'root.key.pem');
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    assert.match(readFileSync(keyFile, 'utf8'), /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    await toolOk('openssl', ['pkey', '-in', keyFile, '-passin', 'env:FLEETPKI_ROOT_PASSPHRASE', '-noout'],
      { env: { ...process.env, FLEETPKI_ROOT_PASSPHRASE: 'correct horse battery staple (root)' } });
    const theirs = (await toolOk('openssl', ['x509', '-in', h.rootCert, '-noout', '-fingerprint', '-sha256'])).stdout.trim();
    assert.ok(h.steps.initRoot.stdout.includes(theirs.replace(/^sha256 Fingerprint=/i, 'SHA256 Fingerprint=')), h.steps.initRoot.stdout);
  });

  it('init-root refuses to overwrite an existing root', async () => {
    const before = readFileSync(join(h.rootDir, 'root.key.pem'));
    const r = await cli(['ca', 'init-root', '--out', h.rootDir, '--subject', 'CN=Other Root']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error FILE_EXISTS: /);
    assert.deepEqual(readFileSync(join(h.rootDir, 'root.key.pem')), before);
  });

  it('ca sign prints the subject, validity and fingerprint of what it signed', async () => {
    const out = h.steps.sign.stdout;
    assert.match(out, /signed:\s+CN=Example Issuing CA 1,O=Example/);
    assert.match(out, /not after:\s+20\d\d-/);
    const theirs = (await toolOk('openssl', ['x509', '-in', h.issuingCert, '-noout', '-fingerprint', '-sha256'])).stdout.trim();
    assert.ok(out.includes(theirs.replace(/^sha256 Fingerprint=/i, 'SHA256 Fingerprint=')), out);
  });

  it('ca list --json shows the root, the issuing CA and the manufacturer CA with its quota', async () => {
    const cas = JSON.parse((await cliOk(['ca', 'list', '--data', h.data, '--json'])).stdout) as
      { name: string; role: string; status: string; quota: number | null; issuedCount: number; parent: string | null; attributes: Record<string, string> }[];
    assert.deepEqual(cas.map((c) => c.role).sort(), ['issuing', 'manufacturer', 'root']);
    assert.ok(cas.every((c) => c.status === 'active'));
    const mfr = cas.find((c) => c.role === 'manufacturer')!;
    assert.deepEqual({ name: mfr.name, parent: mfr.parent, quota: mfr.quota, issuedCount: mfr.issuedCount },
      { name: 'cm1', parent: 'issuing-1', quota: 100000, issuedCount: 2 });
    assert.deepEqual(mfr.attributes, { manufacturer: 'Contoso', namespace: NAMESPACE });
  });

  // Known gap, reported: the store's updateCa drops CaPatch.parent (packages/store/src/cas.ts,
  // patchAssignments), so the import's `parent` never reaches the database.
  it('the imported issuing CA names its root as parent', async () => {
    const cas = JSON.parse((await cliOk(['ca', 'list', '--data', h.data, '--json'])).stdout) as { name: string; role: string; parent: string | null }[];
    const root = cas.find((c) => c.role === 'root')!;
    assert.equal(cas.find((c) => c.name === 'issuing-1')?.parent, root.name);
  });

  it('cert get and cert search find what was issued', async () => {
    const got = JSON.parse((await cliOk(['cert', 'get', operational.serial, '--data', h.data, '--json'])).stdout) as { deviceId: string; profile: string; status: string; certificate: string };
    assert.deepEqual({ deviceId: got.deviceId, profile: got.profile, status: got.status }, { deviceId: '0001', profile: 'device-operational', status: 'issued' });
    assert.equal(got.certificate, readFileSync(operational.leaf, 'utf8'));
    const pem = (await cliOk(['cert', 'get', idevid.serial.toUpperCase(), '--data', h.data, '--pem'])).stdout;
    assert.equal(pem, readFileSync(idevid.leaf, 'utf8'));
    const found = JSON.parse((await cliOk(['cert', 'search', '--data', h.data, '--device-id', 'SN-0001', '--json'])).stdout) as { items: { serial: string }[] };
    assert.deepEqual(found.items.map((i) => i.serial), [idevid.serial]);
  });

  it('openssl verify accepts every issued chain, for TLS client use', async () => {
    for (const c of [idevid, operational]) {
      const r = await opensslVerify(h.rootCert, c.intermediates, c.leaf, ['-purpose', 'sslclient']);
      assert.equal(r.code, 0, `${c.name}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stdout.trim(), `${c.leaf}: OK`);
    }
    const ca = await opensslVerify(h.rootCert, h.issuingCert, manufacturerCert);
    assert.equal(ca.stdout.trim(), `${manufacturerCert}: OK`, ca.stderr);
  });

  it('GnuTLS certtool accepts every issued chain (leaf first), for TLS client use', async (t) => {
    if (!requireCerttool(t)) return;
    for (const c of [idevid, operational]) {
      const r = await certtoolVerify(h.rootCert, c.full, ['--verify-purpose', '1.3.6.1.5.5.7.3.2']);
      assert.equal(r.code, 0, `${c.name}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /Chain verification output: Verified\. The certificate is trusted\./);
    }
  });

  it('the root: CA:TRUE without a path length, certificate and CRL signing', async () => {
    const text = await x509Text(h.rootCert);
    assert.match(text, /X509v3 Basic Constraints: critical\n\s+CA:TRUE\n/);
    assert.match(text, /X509v3 Key Usage: critical\n\s+Certificate Sign, CRL Sign\n/);
    assert.match(text, /X509v3 Subject Key Identifier:/);
  });

  it('the issuing CA: pathlen:1, key identifiers, and the URLs given at the ceremony', async () => {
    const text = await x509Text(h.issuingCert);
    assert.match(text, /X509v3 Basic Constraints: critical\n\s+CA:TRUE, pathlen:1\n/);
    assert.match(text, /X509v3 Authority Key Identifier:/);
    assert.match(text, new RegExp(`X509v3 CRL Distribution Points: \\n\\s+Full Name:\\n\\s+URI:${PUBLIC_URL}/crl/root.crl`));
    assert.match(text, new RegExp(`CA Issuers - URI:${PUBLIC_URL}/ca/root.crt`));
  });

  it('the manufacturer CA: pathlen:0 and critical name constraints on its namespace', async () => {
    const text = await x509Text(manufacturerCert);
    assert.match(text, /X509v3 Basic Constraints: critical\n\s+CA:TRUE, pathlen:0\n/);
    assert.match(text, /X509v3 Key Usage: critical\n\s+Digital Signature, Certificate Sign, CRL Sign\n/);
    assert.match(text, new RegExp(`X509v3 Name Constraints: critical\\n\\s+Permitted:\\n\\s+URI:${NAMESPACE}\\n\\s+DNS:${NAMESPACE}\\n`));
    assert.match(text, /X509v3 Subject Key Identifier:/);
    assert.match(text, /X509v3 Authority Key Identifier:/);
    assert.match(text, new RegExp(`URI:${PUBLIC_URL}/crl/issuing-1.crl`));
    assert.match(text, new RegExp(`OCSP - URI:${PUBLIC_URL}/ocsp\\n\\s+CA Issuers - URI:${PUBLIC_URL}/ca/issuing-1.crt`));
  });

  for (const which of ['idevid', 'operational'] as const) {
    it(`the ${which} device certificate: end entity, client auth, key identifiers, status URLs, device URI`, async () => {
      const c = which === 'idevid' ? idevid : operational;
      const text = await x509Text(c.leaf);
      assert.match(text, /X509v3 Basic Constraints: critical\n\s+CA:FALSE\n/);
      assert.match(text, /X509v3 Key Usage: critical\n\s+Digital Signature\n/);
      assert.match(text, /X509v3 Extended Key Usage: \n\s+TLS Web Client Authentication\n/);
      assert.match(text, /X509v3 Subject Key Identifier:/);
      assert.match(text, /X509v3 Authority Key Identifier:/);
      assert.match(text, new RegExp(`X509v3 CRL Distribution Points: \\n\\s+Full Name:\\n\\s+URI:${PUBLIC_URL}/crl/cm1.crl`));
      assert.match(text, new RegExp(`Authority Information Access: \\n\\s+OCSP - URI:${PUBLIC_URL}/ocsp\\n\\s+CA Issuers - URI:${PUBLIC_URL}/ca/cm1.crt`));
      const id = which === 'idevid' ? 'SN-0001' : '0001';
      assert.match(text, new RegExp(`URI:device://${NAMESPACE}/${id}\\b`));
    });
  }

  it('the IDevID carries the hardwareModuleName its CSR asked for (OpenSSL names it, GnuTLS decodes it)', async (t) => {
    const text = await x509Text(idevid.leaf);
    // OpenSSL 3.0 prints the type-id ("othername: 1.3.6.1.5.5.7.8.4::<unsupported>"); later versions name it.
    assert.match(text, /othername: ?(HardwareModuleName|1\.3\.6\.1\.5\.5\.7\.8\.4)/i);
    assert.doesNotMatch(await x509Text(operational.leaf), /othername/i);
    if (!requireCerttool(t)) return;
    const info = (await toolOk('certtool', ['-i', '--infile', idevid.leaf])).stdout;
    assert.match(info, /otherName OID: 1\.3\.6\.1\.5\.5\.7\.8\.4/);
    // HardwareModuleName ::= SEQUENCE { hwType OBJECT IDENTIFIER, hwSerialNum OCTET STRING }
    // 06 0a 2b0601040183b2030101 is hwType 1.3.6.1.4.1.55555.1.1; 04 05 is hwSerialNum.
    assert.match(info, new RegExp(`otherName DER: 3013060a2b0601040183b20301010405${HW_SERIAL}\\n`));
  });

  it('serve runs on the production folder: an operator token issues from the manufacturer CA, a revoked one is refused', async () => {
    const server = await startServer(h.data, PUBLIC_URL, {});
    try {
      assert.doesNotMatch(server.stdout, /development CA hierarchy/);
      const created = JSON.parse((await cliOk(['token', 'create', '--data', h.data, '--name', 'factory line 3', '--role', 'operator', '--json'])).stdout) as { id: string; token: string };
      const csr = await makeCsr(h.dir, 'remote', await makeKey(h.dir, 'remote'), { subject: '/CN=Device 0002' });
      const leaf = join(h.dir, 'remote.crt.pem');
      const chain = join(h.dir, 'remote.chain.pem');
      const remote = (token: string, extra: readonly string[] = []) => cli(['cert', 'issue', '--url', server.url, '--token', token, '--csr', csr,
        '--profile', 'device-operational', '--ca', h.manufacturer, '--device-id', '0002', ...extra]);
      const issued = await remote(created.token, ['--out', leaf, '--chain-out', chain]);
      assert.equal(issued.code, 0, issued.stderr);
      const v = await opensslVerify(h.rootCert, withoutLast(readFileSync(chain, 'utf8'), join(h.dir, 'remote.int.pem')), leaf, ['-purpose', 'sslclient']);
      assert.equal(v.stdout.trim(), `${leaf}: OK`, v.stderr);
      const tokens = JSON.parse((await cliOk(['token', 'list', '--data', h.data, '--json'])).stdout) as { id: string; role: string; revokedAt: string | null }[];
      assert.deepEqual(tokens.map((t) => [t.id, t.role, t.revokedAt]), [[created.id, 'operator', null]]);
      await cliOk(['token', 'revoke', created.id, '--data', h.data]);
      const refused = await remote(created.token);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /^error UNAUTHENTICATED: /);
    } finally {
      assert.equal(await stopServer(server, 'SIGINT'), 0, server.stderr);
    }
  });
});
