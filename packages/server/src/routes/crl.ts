/**
 * CRLs over HTTP at the URLs certificates carry (RFC 5280 4.2.1.13): <ca>.crl and
 * <ca>.delta.crl, or <ca>.<shard>.crl and <ca>.<shard>.delta.crl when sharded.
 * application/pkix-crl (RFC 2585), with an ETag and Cache-Control derived from nextUpdate.
 * The latest CRL is served from the store; the scheduler (crl-scheduler.ts) keeps it fresh.
 */
import type { FastifyPluginAsync } from 'fastify';
import { createHash } from 'node:crypto';
import type { CertificateAuthority } from '@fleetpki/ca';

const FILE = /^([a-z0-9][a-z0-9-]{0,62})(?:\.(\d{1,4}))?(\.delta)?\.crl$/;

export const crlRoutes: FastifyPluginAsync<{ ca: CertificateAuthority; now: () => Date }> = async (app, { ca, now }) => {
  app.get<{ Params: { file: string } }>('/crl/:file', { schema: { hide: true } }, async (request, reply) => {
    const m = FILE.exec(request.params.file);
    const shard = m?.[2] === undefined ? 0 : Number(m[2]);
    const crl = m ? await ca.crls.latest(m[1]!, shard, m[3] ? 'delta' : 'full') : null;
    if (!crl) return reply.code(404).type('text/plain').send('no such CRL\n');
    const etag = `"${crl.caName}-${crl.shard}-${crl.crlNumber}-${createHash('sha256').update(crl.der).digest('base64url').slice(0, 16)}"`;
    const maxAge = Math.max(0, Math.floor((crl.nextUpdate.getTime() - now().getTime()) / 1000));
    reply.header('etag', etag).header('cache-control', `public, max-age=${maxAge}, no-transform`)
      .header('last-modified', crl.thisUpdate.toUTCString()).header('expires', crl.nextUpdate.toUTCString());
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type('application/pkix-crl').send(Buffer.from(crl.der));
  });
};
