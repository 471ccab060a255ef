/**
 * Unauthenticated endpoints: CA certificates (the caIssuers URL every certificate carries,
 * RFC 5280 4.2.2.1), health for load balancers, and Prometheus metrics. Keep them cheap:
 * anyone can call them.
 */
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import { type CertificateAuthority, ServiceError, SYSTEM_ACTOR } from '@fleetpki/ca';
import type { AppMetrics } from '../metrics.js';
import { withProblems } from '../schemas/common.js';
import { CaParams } from '../schemas/cas.js';

/** A store that does not answer within this is as good as down for a load balancer. */
const HEALTH_TIMEOUT_MS = 2000;

const Health = Type.Object({ status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]) });

async function storeAnswers(ca: CertificateAuthority): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`store did not answer within ${HEALTH_TIMEOUT_MS} ms`)), HEALTH_TIMEOUT_MS);
  });
  try {
    await Promise.race([ca.checkHealth(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const publicRoutes: FastifyPluginAsync<{ ca: CertificateAuthority; metrics: AppMetrics }> = async (app, { ca, metrics }) => {
  app.get<{ Params: CaParams }>('/ca/:name.crt', {
    schema: {
      tags: ['public'], summary: 'A CA certificate, DER (application/pkix-cert, RFC 2585)', security: [], params: CaParams,
      response: withProblems({ 200: { description: 'DER certificate', content: { 'application/pkix-cert': { schema: {} } } } }, [404]),
    },
  }, async (request, reply) => {
    // CA certificates are public by design; reading one needs no caller.
    const record = await ca.getCa(SYSTEM_ACTOR, request.params.name);
    if (!record.certificateDer) throw new ServiceError('CA_NOT_FOUND', `CA ${record.name} has no certificate yet`, { ca: record.name });
    return reply.type('application/pkix-cert').header('cache-control', 'public, max-age=300').send(Buffer.from(record.certificateDer));
  });

  app.get('/healthz', {
    schema: { tags: ['public'], summary: 'Liveness and store reachability', security: [], response: { 200: Health, 503: Health } },
  }, async (request, reply) => {
    try {
      await storeAnswers(ca);
      return { status: 'ok' };
    } catch (err) {
      request.log.warn({ err }, 'health check failed');
      return reply.code(503).send({ status: 'unavailable' });
    }
  });

  app.get('/metrics', {
    schema: { tags: ['public'], summary: 'Prometheus metrics (text exposition format)', security: [] },
  }, async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
};
