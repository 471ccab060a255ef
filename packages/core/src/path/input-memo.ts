/**
 * Results computed from a caller's DER input, memoised per Uint8Array object (a WeakMap,
 * so they go when the caller drops the input). A gateway passes the same intermediate and
 * CRL objects to every validation and pays for parsing them once. An input seen for the
 * first time is only marked (copying every one-off input costs the cold path more than it
 * saves); from its second use on, the result is computed from a private copy, and each
 * later use compares the input with that copy (a memcmp, far cheaper than a parse), so a
 * caller that rewrites its buffer gets a fresh result and verifyPath stays a pure function
 * of its inputs.
 */
const SEEN = Symbol('seen');

export class InputMemo<T> {
  private readonly memo = new WeakMap<Uint8Array, typeof SEEN | { readonly bytes: Buffer; readonly value: T }>();

  get(input: Uint8Array, compute: (bytes: Uint8Array) => T): T {
    const hit = this.memo.get(input);
    if (hit === undefined) {
      this.memo.set(input, SEEN);
      return compute(input);
    }
    if (hit !== SEEN && hit.bytes.equals(input)) return hit.value;
    const bytes = Buffer.from(input);
    const value = compute(bytes);
    this.memo.set(input, { bytes, value });
    return value;
  }
}
