/**
 * @fleetpki/agent: the device agent. It keeps a device's identity alive: first enrollment
 * over EST with a bootstrap certificate or secret, renewal with jitter and backoff, bootstrap
 * fallback, revocation, trust bundles, a status file. Depends on @fleetpki/core only; never
 * carries CA, store or server code.
 */
export { Agent, type AgentDeps, type TickAction, type TickResult } from './agent.js';
export { parseConfig, type AgentConfig, type Bootstrap, type Hook } from './config.js';
export { AGENT_ERRORS, AgentError, isAgentError, type AgentErrorCode } from './errors.js';
export { EstClient, type EnrollAnswer } from './est-client.js';
export { FileKeyStore, keySigner } from './file-key-store.js';
export { IdentityStore, type Identity, type IdentityPointer, type IdentitySource } from './identity-store.js';
export { jsonLinesLogger, silentLogger, type Logger } from './log.js';
export { checkOwnStatus, ocspRequestFor, ocspUrlOf } from './ocsp-check.js';
export { systemClock, type AgentKeyType, type Clock, type KeyHandle, type KeyStore, type Random } from './ports.js';
export { backoffMs, renewalTime } from './schedule.js';
export { type AgentStatus } from './status.js';
export { AGENT_BUILD_TIME, clockProblem } from './time-guard.js';
export { connectVerified, type ClientIdentity } from './tls-connect.js';
export { writeFileAtomic } from './atomic-file.js';
