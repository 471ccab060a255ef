/** /api/v1/certificates: issue from a CSR, read by serial, search. Decode -> CA -> encode. */
import type { FastifyPluginAsync } from 'fastify';
import { type Actor, type CertificateAuthority, type CertificateQuery, type IssueInput, toServiceError } from '@fleetpki/ca';
import { actorOf } from '../auth.js';
import { decodeCsrText } from '../csr-input.js';
import { withProblems } from '../schemas/common.js';
import {
  CertificateDetail, certificateDetail, certificateSummary, IssueBody, IssueResponse, issueResponse,
  SearchQuery, SearchResponse, SerialParams,
} from '../schemas/certificates.js';

const ISSUE_ACTION = 'certificate.issue';

/** A CSR that is not even PEM or base64 never reaches the use case, so its refusal is audited here. */
async function decodeCsr(ca: CertificateAuthority, actor: Actor, body: IssueBody): Promise<Uint8Array> {
  try {
    return decodeCsrText(body.csr);
  } catch (e) {
    const refusal = toServiceError(e);
    await ca.recordRefusal(actor, ISSUE_ACTION, body.ca ?? null, refusal);
    throw refusal;
  }
}

function issueInput(body: IssueBody, csrDer: Uint8Array): IssueInput {
  return {
    csrDer, profile: body.profile,
    ...(body.ca !== undefined ? { caName: body.ca } : {}),
    ...(body.deviceId !== undefined ? { deviceId: body.deviceId } : {}),
    ...(body.validitySeconds !== undefined ? { validitySeconds: body.validitySeconds } : {}),
    ...(body.attributes !== undefined ? { attributes: body.attributes } : {}),
  };
}

function searchQuery(q: SearchQuery): CertificateQuery {
  return {
    limit: q.limit,
    ...(q.ca !== undefined ? { caName: q.ca } : {}),
    ...(q.status !== undefined ? { status: q.status } : {}),
    ...(q.profile !== undefined ? { profile: q.profile } : {}),
    ...(q.subject !== undefined ? { subject: q.subject } : {}),
    ...(q.subjectPrefix !== undefined ? { subjectPrefix: q.subjectPrefix } : {}),
    ...(q.deviceId !== undefined ? { deviceId: q.deviceId } : {}),
    ...(q.expiresBefore !== undefined ? { expiresBefore: new Date(q.expiresBefore) } : {}),
    ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
  };
}

export const certificateRoutes: FastifyPluginAsync<{ ca: CertificateAuthority }> = async (app, { ca }) => {
  app.post<{ Body: IssueBody }>('/certificates', {
    config: { auditAction: ISSUE_ACTION },
    schema: {
      tags: ['certificates'], summary: 'Issue a certificate from a CSR under a profile', body: IssueBody,
      response: withProblems({ 201: IssueResponse }, [400, 401, 403, 404, 409, 413, 415, 422, 503]),
    },
  }, async (request, reply) => {
    const actor = actorOf(request);
    const csrDer = await decodeCsr(ca, actor, request.body);
    const result = await ca.issueCertificate(actor, issueInput(request.body, csrDer));
    reply.code(201).header('location', `${app.prefix}/certificates/${result.serial}`);
    return issueResponse(result);
  });

  app.get<{ Params: SerialParams }>('/certificates/:serial', {
    schema: {
      tags: ['certificates'], summary: 'A certificate by serial (hex; colons and leading zeros are ignored)', params: SerialParams,
      response: withProblems({ 200: CertificateDetail }, [400, 401, 403, 404]),
    },
  }, async (request) => {
    const view = await ca.getCertificate(actorOf(request), request.params.serial);
    return certificateDetail(view.record, view.chainDer);
  });

  app.get<{ Querystring: SearchQuery }>('/certificates', {
    schema: {
      tags: ['certificates'], summary: 'Search certificates; pages follow nextCursor', querystring: SearchQuery,
      response: withProblems({ 200: SearchResponse }, [400, 401, 403]),
    },
  }, async (request) => {
    const page = await ca.searchCertificates(actorOf(request), searchQuery(request.query));
    return { items: page.items.map(certificateSummary), nextCursor: page.nextCursor };
  });
};
