/**
 * The REST API as a client sees it, for `cert issue --url`, `cert revoke --url` and
 * `cert release-hold --url`: JSON requests with a bearer token. Refusals arrive as RFC 9457
 * problem+json with a stable `code`, which the CLI reports like a local error of the same code.
 */
import { CliError, UsageError } from './errors.js';
import type { Io } from './io.js';

export interface RemoteTarget { readonly url: string; readonly token: string }

/** Remote when a URL is given (flag or FLEETPKI_URL) and no --data asks for the local folder. */
export function remoteTarget(flags: { readonly url?: string; readonly token?: string; readonly data?: string }, io: Io): RemoteTarget | null {
  const url = flags.url ?? (flags.data ? undefined : io.env['FLEETPKI_URL']);
  if (!url) return null;
  if (flags.data && flags.url) throw new UsageError('--url and --data exclude each other');
  const token = flags.token ?? io.env['FLEETPKI_TOKEN'];
  if (!token) throw new UsageError('a request through a server needs --token or FLEETPKI_TOKEN');
  return { url, token };
}

export interface IssueRequestBody {
  readonly csr: string;
  readonly profile: string;
  readonly ca?: string;
  readonly deviceId?: string;
  readonly validitySeconds?: number;
  readonly attributes?: Readonly<Record<string, string>>;
}

/** The fields of the API's issue response that the CLI uses. */
export interface RemoteIssued {
  readonly serial: string;
  readonly certificate: string;
  readonly chain: readonly string[];
  readonly notBefore: string;
  readonly notAfter: string;
  readonly profile: string;
  readonly ca: string;
  readonly deviceId: string | null;
}

interface Problem { readonly code?: unknown; readonly detail?: unknown; readonly title?: unknown }

async function problemOf(response: Response): Promise<CliError> {
  let problem: Problem = {};
  try { problem = (await response.json()) as Problem; } catch { /* not JSON: keep the status line */ }
  const code = typeof problem.code === 'string' ? problem.code : 'REMOTE_ERROR';
  const message = [problem.detail, problem.title].find((m): m is string => typeof m === 'string') ?? `HTTP ${response.status} ${response.statusText}`;
  return new CliError(code, message);
}

/** POST `body` (JSON) to `path` under /api/v1; the JSON answer, or the problem as a CliError. */
export function postRemote<T>(target: RemoteTarget, path: string, body: unknown): Promise<T> {
  return requestRemote<T>(target, 'POST', path, body);
}

/** `method` on `path` under /api/v1 with a JSON body (when given); the JSON answer, or the problem as a CliError. */
export async function requestRemote<T>(target: RemoteTarget, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
  const url = `${target.url.replace(/\/+$/, '')}/api/v1${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), accept: 'application/json', authorization: `Bearer ${target.token}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new CliError('REMOTE_UNREACHABLE', `${url}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
  }
  if (!response.ok) throw await problemOf(response);
  return (await response.json()) as T;
}

export function issueRemote(target: RemoteTarget, body: IssueRequestBody): Promise<RemoteIssued> {
  return postRemote<RemoteIssued>(target, '/certificates', body);
}
