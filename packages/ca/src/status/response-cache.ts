/**
 * Pre-signed OCSP responses (RFC 5019 4: responders may pre-produce them), kept until
 * shortly before their nextUpdate. Keyed by CA and serial, then by the CertID's bytes:
 * a response echoes the CertID it answers, hash algorithm included, so a SHA-1 and a
 * SHA-256 request for one certificate need two responses. Bounded: the least recently
 * stored serial goes first (Map insertion order). A revocation drops the serial, so the
 * next request is signed afresh with the new status.
 */
export interface CachedResponse {
  readonly der: Buffer;
  readonly producedAt: Date;
  readonly nextUpdate: Date;
  /** Strong validator for HTTP caches. */
  readonly etag: string;
}

export class ResponseCache {
  readonly #entries = new Map<string, Map<string, CachedResponse>>();
  constructor(private readonly maxSerials: number, private readonly refreshBeforeMs: number) {}

  get(serialKey: string, certIdKey: string, now: Date): CachedResponse | undefined {
    const hit = this.#entries.get(serialKey)?.get(certIdKey);
    if (!hit) return undefined;
    if (hit.nextUpdate.getTime() - now.getTime() <= this.refreshBeforeMs) {
      this.#entries.get(serialKey)!.delete(certIdKey);
      return undefined;
    }
    return hit;
  }

  set(serialKey: string, certIdKey: string, value: CachedResponse): void {
    let byCertId = this.#entries.get(serialKey);
    if (!byCertId) {
      if (this.#entries.size >= this.maxSerials) {
        const oldest = this.#entries.keys().next().value;
        if (oldest !== undefined) this.#entries.delete(oldest);
      }
      byCertId = new Map();
      this.#entries.set(serialKey, byCertId);
    }
    byCertId.set(certIdKey, value);
  }

  delete(serialKey: string): void { this.#entries.delete(serialKey); }
  clear(): void { this.#entries.clear(); }
  get size(): number { return this.#entries.size; }
}
