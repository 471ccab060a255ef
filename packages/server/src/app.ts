/**
 * buildApp(deps): the HTTP surfaces over one CertificateAuthority. No I/O at import and
 * none here beyond what deps do, so tests drive it with inject() and main.ts listens.
 *
 *   /api/v1/*               REST API, Bearer token (openapi.json excepted)
 *   /api/v1/openapi.json    OpenAPI 3.1, generated from the route schemas
 *   /ca/<name>.crt          CA certificates (caIssuers), /healthz, /metrics: no auth
 *   /ocsp, /ocsp/<base64>   OCSP responder (RFC 6960, RFC 5019): no auth
 *   /crl/<ca>[.<shard>][.delta].crl   CRLs (RFC 5280 5): no auth
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import type { DestinationStream } from 'pino';
import type { CertificateAuthority } from '@fleetpki/ca';
import { ocspErrorResponse } from '@fleetpki/core';
import type { Config } from './config.js';
import type { InProcessEvents } from './events.js';
import { authenticationHook, httpRefusalAuditor } from './auth.js';
import { type Answer, installProblemHandlers, internalAnswer, type ProblemCode, sendProblem } from './errors.js';
import { AppMetrics } from './metrics.js';
import { Problem } from './schemas/common.js';
import { auditRoutes } from './routes/audit.js';
import { caRoutes } from './routes/cas.js';
import { certificateRoutes } from './routes/certificates.js';
import { crlRoutes } from './routes/crl.js';
import { enrollmentGroupRoutes } from './routes/enrollment-groups.js';
import { ocspRoutes } from './routes/ocsp.js';
import { ocspFastPath } from './ocsp-fast-path.js';
import { publicRoutes } from './routes/public.js';
import { revocationRoutes } from './routes/revocations.js';
import { deviceRoutes } from './routes/devices.js';
import { tokenRoutes } from './routes/tokens.js';
import { batchRoutes } from './routes/batches.js';
import { trustBundleRoutes } from './routes/trust-bundle.js';

export interface AppDeps {
  readonly ca: CertificateAuthority;
  readonly config: Config;
  readonly events: InProcessEvents;
  /** Where logs go; stdout when absent (tests capture them here). */
  readonly logStream?: DestinationStream;
}

export const API_PREFIX = '/api/v1';

function createFastify(deps: AppDeps, onAnswer: (code: ProblemCode) => void): FastifyInstance {
  const logger = { level: deps.config.logLevel, redact: ['req.headers.authorization', 'headers.authorization'] };
  const app: FastifyInstance = Fastify({
    // OCSP POSTs are answered before Fastify's pipeline (ocsp-fast-path.ts); inject() goes through the routes.
    serverFactory: (handler) => createServer(ocspFastPath(() => deps.ca.ocsp, () => deps.ca.deps.clock.now(), handler,
      (err) => app.log.error({ err }, 'OCSP answer failed'))),
    logger: deps.logStream ? { ...logger, stream: deps.logStream } : logger,
    bodyLimit: deps.config.limits.bodyBytes,
    // Our ids, never the client's: they are quoted in problems and logs.
    genReqId: () => randomUUID(),
    // Unknown fields are refused, not silently dropped.
    ajv: { customOptions: { removeAdditional: false } },
    // Malformed URLs are answered before routing (no error handler runs); they become problems too.
    frameworkErrors: (error, request, reply) => {
      request.log.debug({ err: error }, 'framework error');
      // An OCSP client gets an OCSP answer even for a path the router cannot decode (RFC 6960 2.3).
      if (error.code === 'FST_ERR_BAD_URL' && (request.url === '/ocsp' || request.url.startsWith('/ocsp/'))) {
        void (reply as unknown as FastifyReply).code(200).type('application/ocsp-response').header('cache-control', 'no-store').send(ocspErrorResponse('malformedRequest'));
        return;
      }
      const answer: Answer = error.statusCode && error.statusCode < 500
        ? { code: 'REQUEST_INVALID', status: 400, detail: error.code === 'FST_ERR_BAD_URL' ? 'the URL is malformed' : 'the request is invalid', origin: 'http' }
        : internalAnswer(request.id);
      onAnswer(answer.code);
      void sendProblem(reply as unknown as FastifyReply, request as unknown as FastifyRequest, answer);
    },
  }) as unknown as FastifyInstance;
  return app;
}

async function registerOpenApi(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.addSchema(Problem);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'FleetPKI API', version: '1', description: 'Errors are RFC 9457 application/problem+json with a stable `code` (docs/errors.md).' },
      servers: [{ url: deps.config.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'fpk_<id>_<secret> API token' } } },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json['$id'] === 'string' ? json['$id'] : `def-${i}`) },
  });
  app.get(`${API_PREFIX}/openapi.json`, { schema: { hide: true } }, async () => app.swagger());
}

function registerMetricsHooks(app: FastifyInstance, deps: AppDeps, metrics: AppMetrics): void {
  const unsubscribe = deps.events.subscribe((e) => metrics.onEvent(e));
  app.addHook('onClose', async () => { unsubscribe(); });
  app.addHook('onSend', async (request, reply) => { reply.header('x-request-id', request.id); });
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const metrics = new AppMetrics();
  const onAnswer = (code: ProblemCode): void => (code === 'INTERNAL' ? metrics.internalErrors.inc() : metrics.refusals.inc({ code }));
  const app = createFastify(deps, onAnswer);
  app.decorateRequest('actor', null);
  installProblemHandlers(app, { bodyLimit: deps.config.limits.bodyBytes, onAnswer, auditHttpRefusal: httpRefusalAuditor(deps.ca) });
  registerMetricsHooks(app, deps, metrics);
  await registerOpenApi(app, deps);
  await app.register(async (api) => {
    api.addHook('onRequest', authenticationHook(deps.ca));
    await api.register(certificateRoutes, { ca: deps.ca });
    await api.register(revocationRoutes, { ca: deps.ca });
    await api.register(deviceRoutes, { ca: deps.ca });
    await api.register(caRoutes, { ca: deps.ca });
    await api.register(tokenRoutes, { ca: deps.ca });
    await api.register(auditRoutes, { ca: deps.ca });
    await api.register(enrollmentGroupRoutes, { ca: deps.ca });
    await api.register(batchRoutes, { ca: deps.ca });
  }, { prefix: API_PREFIX });
  await app.register(publicRoutes, { ca: deps.ca, metrics });
  await app.register(trustBundleRoutes, { prefix: API_PREFIX, dataDir: deps.config.dataDir });
  const now = (): Date => deps.ca.deps.clock.now();
  await app.register(ocspRoutes, { responder: deps.ca.ocsp, now });
  await app.register(crlRoutes, { ca: deps.ca, now });
  await app.ready();
  return app;
}
