/** /api/v1/tokens: API tokens (admin only). A new token is shown once, in the creation response. */
import type { FastifyPluginAsync } from 'fastify';
import type { CertificateAuthority } from '@fleetpki/ca';
import { actorOf } from '../auth.js';
import { withProblems } from '../schemas/common.js';
import { CreatedToken, CreateTokenBody, TokenList, TokenParams, tokenView } from '../schemas/tokens.js';

export const tokenRoutes: FastifyPluginAsync<{ ca: CertificateAuthority }> = async (app, { ca }) => {
  app.get('/tokens', {
    schema: { tags: ['tokens'], summary: 'API tokens, revoked ones included', response: withProblems({ 200: TokenList }, [401, 403]) },
  }, async (request) => ({ items: (await ca.listApiTokens(actorOf(request))).map(tokenView) }));

  app.post<{ Body: CreateTokenBody }>('/tokens', {
    config: { auditAction: 'token.create' },
    schema: {
      tags: ['tokens'], summary: 'Create an API token', body: CreateTokenBody,
      response: withProblems({ 201: CreatedToken }, [400, 401, 403, 413, 415]),
    },
  }, async (request, reply) => {
    const { record, token } = await ca.createApiToken(actorOf(request), { name: request.body.name, role: request.body.role });
    reply.code(201).header('cache-control', 'no-store');
    return { ...tokenView(record), token };
  });

  app.delete<{ Params: TokenParams }>('/tokens/:id', {
    config: { auditAction: 'token.revoke' },
    schema: {
      tags: ['tokens'], summary: 'Revoke an API token; requests with it are refused at once', params: TokenParams,
      response: withProblems({ 204: { type: 'null', description: 'revoked' } }, [401, 403, 404]),
    },
  }, async (request, reply) => {
    await ca.revokeApiToken(actorOf(request), request.params.id);
    return reply.code(204).send();
  });
};
