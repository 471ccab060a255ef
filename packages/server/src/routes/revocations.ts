/**
 * Revocation over the REST API: by serial, by device, holds lifted, and by query in two
 * calls (a dry run that answers a confirmation token, then the confirmed run). Decode ->
 * CA -> encode; every rule is the use case's.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { CertificateAuthority } from '@fleetpki/ca';
import { actorOf } from '../auth.js';
import { withProblems } from '../schemas/common.js';
import { CertificateDetail, certificateDetail, SerialParams } from '../schemas/certificates.js';
import {
  DeviceParams, DeviceRevocationResponse, deviceRevocationResponse, previewResponse, revocationQuery, RevocationPreviewResponse,
  RevocationQueryBody, RevocationRunBody, RevocationRunResponse, RevokeBody, revokeInput, runResponse,
} from '../schemas/revocations.js';

const TAGS = ['revocation'];

export const revocationRoutes: FastifyPluginAsync<{ ca: CertificateAuthority }> = async (app, { ca }) => {
  app.post<{ Params: SerialParams; Body: RevokeBody }>('/certificates/:serial/revoke', {
    config: { auditAction: 'certificate.revoke' },
    schema: {
      tags: TAGS, summary: 'Revoke a certificate; certificateHold suspends it, and a hold may later be made final',
      params: SerialParams, body: RevokeBody, response: withProblems({ 200: CertificateDetail }, [400, 401, 403, 404, 409, 413, 415]),
    },
  }, async (request) => {
    const view = await ca.revokeCertificate(actorOf(request), request.params.serial, revokeInput(request.body));
    return certificateDetail(view.record, view.chainDer);
  });

  app.post<{ Params: SerialParams }>('/certificates/:serial/release-hold', {
    config: { auditAction: 'certificate.release_hold' },
    schema: {
      tags: TAGS, summary: 'Lift a hold (certificateHold): the certificate is good again; the next delta CRL says removeFromCRL',
      params: SerialParams, response: withProblems({ 200: CertificateDetail }, [400, 401, 403, 404, 409]),
    },
  }, async (request) => {
    const view = await ca.releaseHold(actorOf(request), request.params.serial);
    return certificateDetail(view.record, view.chainDer);
  });

  app.post<{ Params: DeviceParams; Body: RevokeBody }>('/devices/:deviceId/revoke', {
    config: { auditAction: 'device.revoke' },
    schema: {
      tags: TAGS, summary: 'Revoke every certificate of a device',
      params: DeviceParams, body: RevokeBody, response: withProblems({ 200: DeviceRevocationResponse }, [400, 401, 403, 404, 409, 413, 415]),
    },
  }, async (request) => deviceRevocationResponse(await ca.revokeDevice(actorOf(request), request.params.deviceId, revokeInput(request.body))));

  app.post<{ Body: RevocationQueryBody }>('/revocations/preview', {
    config: { auditAction: 'revocation.preview' },
    schema: {
      tags: TAGS, summary: 'Dry run of a revocation by query: how many certificates and devices it hits, a sample, and a confirmation token (15 minutes)',
      body: RevocationQueryBody, response: withProblems({ 200: RevocationPreviewResponse }, [400, 401, 403, 413, 415]),
    },
  }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return previewResponse(await ca.previewRevocation(actorOf(request), revocationQuery(request.body)));
  });

  app.post<{ Body: RevocationRunBody }>('/revocations', {
    config: { auditAction: 'revocation.run' },
    schema: {
      tags: TAGS, summary: 'Revoke what a dry run matched: the same query, its confirmation token and a reason',
      body: RevocationRunBody, response: withProblems({ 200: RevocationRunResponse }, [400, 401, 403, 409, 413, 415, 422]),
    },
  }, async (request) => {
    const { query, reason, invalidityDate, confirmation } = request.body;
    return runResponse(await ca.revokeByQuery(actorOf(request), {
      query: revocationQuery(query), confirmation, ...revokeInput({ reason, ...(invalidityDate !== undefined ? { invalidityDate } : {}) }),
    }));
  });
};
