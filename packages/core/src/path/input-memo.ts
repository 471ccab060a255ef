/**
 * Results computed from a caller's DER input, memoised per Uint8Array object (a WeakMap,
 * so they go when the caller drops the input). A gateway passes the same intermediate and
 * CRL objects to every validation and pays for parsing them once. Each hit compares the
 * input with a private copy taken at first sight (a memcmp, far cheaper than a parse), so a
 * caller that rewrites its buffer gets a fresh result and verifyPath stays a pure function
 * of its inputs; results are computed from that copy, so they never change under us either.
 */
export class InputMemo<T> {
  private readonly memo = new WeakMap<Uint8Array, { readonly bytes: Buffer; readonly value: T }>();

  get(input: Uint8Array, compute: (bytes: Uint8Array) => T): T {
    const hit = this.memo.get(input);
    if (hit && hit.bytes.equals(input)) return hit.value;
    const bytes = Buffer.from(input);
    const value = compute(bytes);
    this.memo.set(input, { bytes, value });
    return value;
  }
}
