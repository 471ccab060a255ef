/** Schemas of the device routes: attributes kept apart from certificates (issue 7). */
import { type Static, Type } from '@sinclair/typebox';
import type { DeviceAttributesView } from '@fleetpki/ca';

export const DeviceAttributes = Type.Record(Type.String({ maxLength: 32 }), Type.String({ maxLength: 128 }), {
  maxProperties: 16,
  description: 'names 1-32 of a-z 0-9 _ . - starting with a letter; values 1-128 printable characters; e.g. {"status": "active", "firmware": "2.4"}',
});
export type DeviceAttributes = Static<typeof DeviceAttributes>;

export const DeviceAttributesResponse = Type.Object({ deviceId: Type.String(), attributes: DeviceAttributes });
export type DeviceAttributesResponse = Static<typeof DeviceAttributesResponse>;

export const deviceAttributesResponse = (v: DeviceAttributesView): DeviceAttributesResponse => ({ deviceId: v.deviceId, attributes: { ...v.attributes } });
