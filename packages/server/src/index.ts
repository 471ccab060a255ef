/**
 * @fleetpki/server: the HTTP surfaces (REST API, metrics, health, CA certificates) as
 * Fastify plugins, and the composition root that wires a deployment.
 */
export { ConfigError, ConfigSchema, parseConfig, type Config } from './config.js';
export { deploymentPaths, openDeployment, rootFingerprint, type Deployment, type DeploymentPaths, type OpenOptions } from './deployment.js';
export { InProcessEvents } from './events.js';
export { pooledRandom } from './random.js';
export { batchPreparers } from './batch/worker-preparer.js';
export { encryptDeviceKey } from './batch/prepare-work.js';
export { loadConfig, parseListen, serve, type Env, type RunningServer, type ServeFlags } from './main.js';
export { buildApp, type AppDeps } from './app.js';
export { DEFAULT_POLL_MS, StatusTail, type StatusTailOptions } from './status-tail.js';
export { DEFAULT_TLS_NAMES, ensureServerCredentials, type KeySeal, type ServerCredentials } from './tls-certificate.js';
export { OcspStapler, type OcspSource, type StaplerOptions } from './ocsp-stapler.js';
