/**
 * /api/v1/enrollment-groups: enrollment groups (admin), one-time enrollment secrets and the
 * decision on pending enrollments (admin, operator). Thin: decode, call ca, encode.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { CertificateAuthority, EnrollmentGroupInput } from '@fleetpki/ca';
import { actorOf } from '../auth.js';
import { withProblems } from '../schemas/common.js';
import {
  CreatedSecret, CreateGroupBody, CreateSecretBody, GroupList, GroupView, groupView, LabelParams, PendingList, PendingParams, PendingView, pendingView,
} from '../schemas/enrollment-groups.js';

function groupInput(body: CreateGroupBody): EnrollmentGroupInput {
  const { ca, ...rest } = body;
  return { ...rest, ...(ca !== undefined ? { caName: ca } : {}) } as EnrollmentGroupInput;
}

export const enrollmentGroupRoutes: FastifyPluginAsync<{ ca: CertificateAuthority }> = async (app, { ca }) => {
  app.get('/enrollment-groups', {
    schema: { tags: ['enrollment'], summary: 'Enrollment groups', response: withProblems({ 200: GroupList }, [401, 403]) },
  }, async (request) => ({ items: (await ca.listEnrollmentGroups(actorOf(request))).map(groupView) }));

  app.post<{ Body: CreateGroupBody }>('/enrollment-groups', {
    config: { auditAction: 'enrollment_group.create' },
    schema: {
      tags: ['enrollment'], summary: 'Create an enrollment group (an EST label)', body: CreateGroupBody,
      response: withProblems({ 201: GroupView }, [400, 401, 403, 404, 409, 413, 415]),
    },
  }, async (request, reply) => {
    const group = await ca.createEnrollmentGroup(actorOf(request), groupInput(request.body));
    reply.code(201);
    return groupView(group);
  });

  app.get<{ Params: LabelParams }>('/enrollment-groups/:label', {
    schema: { tags: ['enrollment'], summary: 'One enrollment group', params: LabelParams, response: withProblems({ 200: GroupView }, [401, 403, 404]) },
  }, async (request) => groupView(await ca.getEnrollmentGroup(actorOf(request), request.params.label)));

  app.post<{ Params: LabelParams; Body: CreateSecretBody }>('/enrollment-groups/:label/secrets', {
    config: { auditAction: 'enrollment_secret.create' },
    schema: {
      tags: ['enrollment'], summary: 'A one-time enrollment secret for one device (EST HTTP Basic, username = device id)',
      params: LabelParams, body: CreateSecretBody, response: withProblems({ 201: CreatedSecret }, [400, 401, 403, 404, 413, 415]),
    },
  }, async (request, reply) => {
    const created = await ca.createEnrollmentSecret(actorOf(request), request.params.label, request.body.deviceId);
    reply.code(201).header('cache-control', 'no-store');
    return created;
  });

  app.get<{ Params: LabelParams }>('/enrollment-groups/:label/pending', {
    schema: { tags: ['enrollment'], summary: 'Enrollments of the group waiting for, or holding, a decision', params: LabelParams, response: withProblems({ 200: PendingList }, [401, 403, 404]) },
  }, async (request) => ({ items: (await ca.listPendingEnrollments(actorOf(request), request.params.label)).map(pendingView) }));

  for (const decision of ['approve', 'reject'] as const) {
    app.post<{ Params: PendingParams }>(`/enrollment-groups/:label/pending/:id/${decision}`, {
      config: { auditAction: `enrollment.${decision}` },
      schema: {
        tags: ['enrollment'], summary: decision === 'approve' ? 'Approve: the device gets its certificate when it sends the same CSR again' : 'Reject the pending enrollment',
        params: PendingParams, response: withProblems({ 200: PendingView }, [401, 403, 404, 409]),
      },
    }, async (request) => {
      const { label, id } = request.params;
      const actor = actorOf(request);
      return pendingView(decision === 'approve' ? await ca.approveEnrollment(actor, label, id) : await ca.rejectEnrollment(actor, label, id));
    });
  }
};
