/**
 * /api/v1/batches and /api/v1/reconciliation: factory batches (their status and counts)
 * and the reconciliation of what was made against what came online (issue 8). Reads for
 * the certificate.read roles. Thin: decode, call ca, encode.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { CertificateAuthority } from '@fleetpki/ca';
import { actorOf } from '../auth.js';
import { withProblems } from '../schemas/common.js';
import {
  BatchList, BatchListQuery, BatchParams, BatchView, batchView, deviceView, ReconciliationDevices, ReconciliationDevicesQuery,
  ReconciliationQuery, ReconciliationView, reconciliationView,
} from '../schemas/batches.js';

const scope = (q: { manufacturer?: string; batch?: string }) => ({
  ...(q.manufacturer !== undefined ? { manufacturer: q.manufacturer } : {}), ...(q.batch !== undefined ? { batchId: q.batch } : {}),
});

export const batchRoutes: FastifyPluginAsync<{ ca: CertificateAuthority }> = async (app, { ca }) => {
  app.get<{ Querystring: BatchListQuery }>('/batches', {
    schema: { tags: ['batches'], summary: 'Factory batches, newest first; pages follow nextCursor', querystring: BatchListQuery, response: withProblems({ 200: BatchList }, [400, 401, 403]) },
  }, async (request) => {
    const q = request.query;
    const page = await ca.listBatches(actorOf(request), { limit: q.limit, ...(q.ca !== undefined ? { caName: q.ca } : {}), ...(q.cursor !== undefined ? { cursor: q.cursor } : {}) });
    return { items: page.items.map(batchView), nextCursor: page.nextCursor };
  });

  app.get<{ Params: BatchParams }>('/batches/:batchId', {
    schema: { tags: ['batches'], summary: 'One batch: CA, status, counts, last manifest hash', params: BatchParams, response: withProblems({ 200: BatchView }, [401, 403, 404]) },
  }, async (request) => batchView(await ca.getBatch(actorOf(request), request.params.batchId)));

  app.get<{ Querystring: ReconciliationQuery }>('/reconciliation', {
    schema: {
      tags: ['batches'], summary: 'By batch and manufacturer: issued, seen online (enrolled or connected), never seen, duplicates; and devices seen but never issued by us',
      querystring: ReconciliationQuery, response: withProblems({ 200: ReconciliationView }, [400, 401, 403]),
    },
  }, async (request) => reconciliationView(await ca.reconcileBatches(actorOf(request), scope(request.query))));

  app.get<{ Querystring: ReconciliationDevicesQuery }>('/reconciliation/devices', {
    schema: {
      tags: ['batches'], summary: 'The devices of one reconciliation set, keyset-paginated', querystring: ReconciliationDevicesQuery,
      response: withProblems({ 200: ReconciliationDevices }, [400, 401, 403]),
    },
  }, async (request) => {
    const q = request.query;
    const page = await ca.listReconciliation(actorOf(request), { ...scope(q), kind: q.set, limit: q.limit, ...(q.cursor !== undefined ? { cursor: q.cursor } : {}) });
    return { items: page.items.map(deviceView), nextCursor: page.nextCursor };
  });
};
