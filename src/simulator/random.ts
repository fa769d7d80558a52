/**
 * Deterministic randomness for the simulated tenant: the same seed always grows the same business.
 *
 * `Rng` is a small sequential generator (sfc32); `hash32` and `unitHash` derive a value from a list of integers
 * without any state, so data computed lazily from the clock (new alerts, daily scores) does not depend on the
 * order in which requests arrive.
 */

/** Mixes integers into one well-spread unsigned 32-bit value. */
export function hash32(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const value of values) {
    // Fold doubles beyond 32 bits in, so large counters and timestamps still change the hash.
    let v = Math.floor(value) | 0;
    v ^= Math.floor(value / 4294967296) | 0;
    h = Math.imul(h ^ v, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** A stateless number in [0, 1) derived from `values`. */
export function unitHash(...values: number[]): number {
  return hash32(...values) / 4294967296;
}

/** A 32-bit number derived from a short string, to name random streams readably (`streamId('alerts')`). */
export function streamId(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * Returns `s` flattened: V8 keeps concatenations as trees of pieces until first read, which costs ~1 KB per
 * id; a large tenant holds hundreds of thousands of them.
 */
export function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

/** Seeded pseudo-random generator (sfc32). Not for cryptography: for believable, repeatable test data. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Starts the stream identified by `seed` and the optional sub-stream numbers. */
  constructor(seed: number, ...stream: number[]) {
    this.a = hash32(seed, ...stream, 1);
    this.b = hash32(seed, ...stream, 2);
    this.c = hash32(seed, ...stream, 3);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** The next unsigned 32-bit value. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A number in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A number in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** One value of a weighted list of `[value, weight]` pairs. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of entries) total += w;
    let r = this.next() * total;
    for (const [value, w] of entries) {
      r -= w;
      if (r < 0) return value;
    }
    return entries[entries.length - 1][0];
  }

  /** `length` lowercase hexadecimal characters (a flat string: large tenants hold hundreds of thousands). */
  hex(length: number): string {
    const bytes = Buffer.allocUnsafe(Math.ceil(length / 8) * 4);
    for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE(this.nextUint32(), i);
    return bytes.toString('hex', 0, Math.ceil(length / 2)).slice(0, length);
  }

  /** A lowercase GUID (version-4 shaped). */
  guid(): string {
    const h = this.hex(32);
    const variant = '89ab'[this.nextUint32() & 3];
    return flat(`${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20)}`);
  }

  /** A signed 32-bit integer. */
  int32(): number {
    return this.nextUint32() | 0;
  }
}
