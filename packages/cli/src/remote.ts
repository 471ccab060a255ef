/**
 * The REST API as a client sees it, for `cert issue --url`: POST /api/v1/certificates with
 * a bearer token. Refusals arrive as RFC 9457 problem+json with a stable `code`, which the
 * CLI reports like a local error of the same code.
 */
import { CliError } from './errors.js';

export interface IssueRequestBody {
  readonly csr: string;
  readonly profile: string;
  readonly ca?: string;
  readonly deviceId?: string;
  readonly validitySeconds?: number;
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

export async function issueRemote(baseUrl: string, token: string, body: IssueRequestBody): Promise<RemoteIssued> {
  const url = `${baseUrl.replace(/\/+$/, '')}/api/v1/certificates`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new CliError('REMOTE_UNREACHABLE', `${url}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
  }
  if (!response.ok) throw await problemOf(response);
  return (await response.json()) as RemoteIssued;
}
