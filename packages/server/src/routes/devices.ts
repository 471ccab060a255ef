/**
 * Device attributes over the REST API: PUT replaces them (creating the device when
 * unknown), GET reads them. Gateways refuse or disconnect a device within moments of a
 * change that makes a rule fail (the outbox, ca/src/devices/attributes.ts).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { CertificateAuthority } from '@fleetpki/ca';
import { actorOf } from '../auth.js';
import { withProblems } from '../schemas/common.js';
import { DeviceParams } from '../schemas/revocations.js';
import { DeviceAttributes, DeviceAttributesResponse, deviceAttributesResponse } from '../schemas/devices.js';

const TAGS = ['devices'];

export const deviceRoutes: FastifyPluginAsync<{ ca: CertificateAuthority }> = async (app, { ca }) => {
  app.put<{ Params: DeviceParams; Body: DeviceAttributes }>('/devices/:deviceId/attributes', {
    config: { auditAction: 'device.attributes' },
    schema: {
      tags: TAGS, summary: "Replace a device's attributes (the gateways' rules read them on every connection and message)",
      params: DeviceParams, body: DeviceAttributes, response: withProblems({ 200: DeviceAttributesResponse }, [400, 401, 403, 413, 415]),
    },
  }, async (request) => deviceAttributesResponse(await ca.setDeviceAttributes(actorOf(request), request.params.deviceId, request.body)));

  app.get<{ Params: DeviceParams }>('/devices/:deviceId/attributes', {
    config: { auditAction: 'device.read' },
    schema: {
      tags: TAGS, summary: "A device's attributes",
      params: DeviceParams, response: withProblems({ 200: DeviceAttributesResponse }, [400, 401, 403, 404]),
    },
  }, async (request) => deviceAttributesResponse(await ca.getDeviceAttributes(actorOf(request), request.params.deviceId)));
};
