/** Time and randomness come in through ports so that use cases are deterministic in tests. */
export interface Clock { now(): Date }
export interface RandomSource { bytes(n: number): Uint8Array }
