/**
 * The pre-issuance webhook port: one outbound HTTP POST of JSON, bounded in time. The
 * adapter (server/src/webhook.ts, node:http) reports what came back; the use case decides.
 */
export type WebhookAnswer =
  | { readonly kind: 'answered'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'unreachable'; readonly reason: string };

export interface WebhookClient {
  postJson(url: string, body: unknown, timeoutMs: number): Promise<WebhookAnswer>;
}
