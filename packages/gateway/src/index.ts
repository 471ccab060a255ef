/**
 * @fleetpki/gateway: the ingestion gateway. Mutual-TLS HTTPS and MQTT; every connection
 * validated by core's verifyPath, checked against the deny-list the CA keeps current (or
 * OCSP / CRL for CAs we do not run), the device's attributes and rules; live connections
 * closed when a revocation or an attribute change makes them fail.
 */
export { DEFAULT_ACCESS, GatewaySchema, QUARANTINE_RULE, parseGatewayConfig, type GatewayConfig } from './config.js';
export { GATEWAY_ERRORS, GATEWAY_ERROR_CODES, REFUSAL_MESSAGES, type GatewayErrorCode, type Refusal, type RefusalCode } from './refusals.js';
export { HTTP_STATUS } from './https-ingest.js';
export { MQTT_CONNACK, DISCONNECT_ADMINISTRATIVE_ACTION } from './mqtt-broker.js';
export { startGateway, type GatewayAlert, type GatewayListeners, type RunningGateway, type StartGatewayOptions } from './gateway.js';
export { loadGatewayConfig, runGateway, type GatewayFlags, type LoadedGatewayConfig } from './main.js';
export { serverTlsOptions, SessionCache, type TlsSettings } from './tls-context.js';
