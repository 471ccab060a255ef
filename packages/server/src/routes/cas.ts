/** /api/v1/cas: the CA hierarchy as this deployment knows it. */
import type { FastifyPluginAsync } from 'fastify';
import type { CertificateAuthority } from '@fleetpki/ca';
import { actorOf } from '../auth.js';
import { withProblems } from '../schemas/common.js';
import { CaList, CaParams, CaView, caView } from '../schemas/cas.js';

export const caRoutes: FastifyPluginAsync<{ ca: CertificateAuthority }> = async (app, { ca }) => {
  app.get('/cas', {
    schema: { tags: ['cas'], summary: 'Every CA: roots, issuing and manufacturer CAs', response: withProblems({ 200: CaList }, [401, 403]) },
  }, async (request) => ({ items: (await ca.listCas(actorOf(request))).map(caView) }));

  app.get<{ Params: CaParams }>('/cas/:name', {
    schema: { tags: ['cas'], summary: 'One CA by name', params: CaParams, response: withProblems({ 200: CaView }, [401, 403, 404]) },
  }, async (request) => caView(await ca.getCa(actorOf(request), request.params.name)));
};
