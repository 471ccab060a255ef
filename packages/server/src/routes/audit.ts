/** /api/v1/audit: verification of the hash-chained audit log (admin, auditor). */
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { CertificateAuthority } from '@fleetpki/ca';
import { actorOf } from '../auth.js';
import { withProblems } from '../schemas/common.js';

const Head = Type.Union([Type.Object({ seq: Type.Integer(), hash: Type.String() }), Type.Null()]);
export const AuditVerification = Type.Union([
  Type.Object({ ok: Type.Literal(true), count: Type.Integer(), head: Head }),
  Type.Object({
    ok: Type.Literal(false), seq: Type.Integer({ description: 'the first event that does not verify' }),
    problem: Type.Union(['hash_mismatch', 'prev_mismatch', 'sequence_gap', 'head_mismatch'].map((p) => Type.Literal(p))),
  }),
]);

export const auditRoutes: FastifyPluginAsync<{ ca: CertificateAuthority }> = async (app, { ca }) => {
  app.get('/audit/verify', {
    schema: {
      tags: ['audit'], summary: 'Walk the whole audit log and check its hash chain against the recorded head',
      response: withProblems({ 200: AuditVerification }, [401, 403]),
    },
  }, async (request) => ca.verifyAuditLog(actorOf(request)));
};
