/**
 * Why the gateway refused a connection or a message: one table of stable codes (STYLE.md
 * 2.4). The protocol servers map each code to their wire in their own table (HTTP status
 * and problem+json in https-ingest.ts, CONNACK return / reason codes in mqtt-broker.ts).
 * A device sees the code and the table's message, never an internal error text.
 *
 * Sequence refusals use core's codes (SEQUENCE_OUT_OF_ORDER, SEQUENCE_UNKNOWN_STATION,
 * documented with core's codes in docs/errors.md); the rest are the gateway's own.
 */
import type { PathErrorCode } from '@fleetpki/core';

export const GATEWAY_ERRORS = {
  GATEWAY_CERT_MISSING: 'the client sent no certificate',
  GATEWAY_CERT_INVALID: 'the client certificate does not validate against the trust anchors',
  GATEWAY_CERT_REVOKED: 'the client certificate is revoked',
  GATEWAY_CERT_UNKNOWN: 'the client certificate is not in the registry of the CA that signed it',
  GATEWAY_REVOCATION_UNKNOWN: 'the revocation status of the client certificate could not be determined',
  GATEWAY_DEVICE_UNKNOWN: 'the client certificate names no device',
  GATEWAY_CLIENT_ID_MISMATCH: 'the MQTT client identifier is not the device id',
  GATEWAY_RULE_FAILED: 'an attribute rule of the gateway does not hold for this device',
  GATEWAY_NOT_AUTHORIZED: 'the device may not use this topic or route',
  GATEWAY_CLONE: 'the certificate is in use on another connection from another address',
  GATEWAY_BODY_TOO_LARGE: 'the request body exceeds the size limit',
  GATEWAY_BODY_INVALID: 'the request body is not valid JSON',
  GATEWAY_METHOD_NOT_ALLOWED: 'telemetry is sent with POST',
  GATEWAY_UNAVAILABLE: 'the gateway cannot check the device right now',
} as const;
export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;
export const GATEWAY_ERROR_CODES = Object.freeze(Object.keys(GATEWAY_ERRORS) as GatewayErrorCode[]);

const SEQUENCE_ERRORS = {
  SEQUENCE_OUT_OF_ORDER: 'the station reported is not the current or the next one of the sequence',
  SEQUENCE_UNKNOWN_STATION: 'the station reported is not one of the sequence',
} as const;

export type RefusalCode = GatewayErrorCode | keyof typeof SEQUENCE_ERRORS;
export const REFUSAL_MESSAGES: Readonly<Record<RefusalCode, string>> = Object.freeze({ ...GATEWAY_ERRORS, ...SEQUENCE_ERRORS });

/** A refusal: the code, and what an operator needs to know (audited; never sent to the device). */
export interface Refusal {
  readonly code: RefusalCode;
  readonly detail: Readonly<{
    pathCode?: PathErrorCode;
    rule?: string;
    topic?: string;
    route?: string;
    expected?: readonly string[];
    station?: string;
    sequence?: string;
    reason?: string;
  }>;
}

export const refusal = (code: RefusalCode, detail: Refusal['detail'] = {}): Refusal => Object.freeze({ code, detail: Object.freeze(detail) });
