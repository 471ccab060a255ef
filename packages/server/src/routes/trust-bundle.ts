/**
 * GET /api/v1/trust/bundle: the trust bundle the operator published (decision 005), the
 * DER that `fleetpki trust bundle create` wrote, copied to DATA/trust/bundle.der. Public and
 * unauthenticated like the CA certificates: the bundle's own CMS signature by a current
 * anchor is what devices check (the device agent, packages/agent), not who served it.
 * Under the API prefix so that the TLS listener serves it too, where devices already connect.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';

export const TRUST_BUNDLE_FILE = join('trust', 'bundle.der');

export const trustBundleRoutes: FastifyPluginAsync<{ dataDir: string }> = async (app, { dataDir }) => {
  app.get('/trust/bundle', {
    schema: {
      tags: ['public'], summary: 'The published trust bundle, DER CMS SignedData (decision 005)', security: [],
      response: { 200: { description: 'DER', content: { 'application/octet-stream': { schema: {} } } }, 404: { description: 'no bundle published', content: { 'text/plain': { schema: {} } } } },
    },
  }, async (_request, reply) => {
    let der: Buffer;
    try {
      der = await readFile(join(dataDir, TRUST_BUNDLE_FILE));
    } catch {
      return reply.code(404).type('text/plain; charset=utf-8').send('no trust bundle is published\n');
    }
    return reply.type('application/octet-stream').header('cache-control', 'public, max-age=300').send(der);
  });
};
