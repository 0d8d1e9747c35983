/**
 * Seeded random numbers: the only source of randomness in the library.
 *
 * `Rng` is xoshiro128** (Blackman & Vigna, 2018): 128 bits of state, period 2^128 - 1, fast on
 * 32-bit integer arithmetic, which is what JavaScript does well. Its four state words are derived
 * from `(seed, stream path)` by the murmur3 finaliser, so that `new Rng(seed).stream(k)` is an
 * independent generator that depends only on the seed and on `k`, never on how many numbers the
 * parent has drawn. Same seed, same numbers, on every platform.
 *
 * ```ts
 * const rng = new Rng(42);
 * rng.uniform();            // in [0, 1)
 * rng.normal(0, 1);         // standard normal
 * rng.categorical([0.2, 0.8]);
 * const workers = [0, 1, 2].map((k) => rng.stream(k));  // independent streams
 * ```
 */

const TWO_POW_53 = 9007199254740992;
const TWO_POW_26 = 67108864;

/** murmur3's 32-bit finaliser: a bijective avalanche mix. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function checkSeed(seed: number, what: string): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`${what} must be a non-negative safe integer; received ${String(seed)}.`);
  }
}

/** A seeded pseudo-random generator (xoshiro128**) with independent streams. */
export class Rng {
  /** The seed this generator (or its root) was built from. */
  readonly seed: number;
  /** Stream indices from the root generator to this one (empty for the root). */
  readonly path: readonly number[];
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareNormal = NaN;

  constructor(seed: number, path: readonly number[] = []) {
    checkSeed(seed, "Rng: seed");
    path.forEach((k, i) => checkSeed(k, `Rng: stream index ${i}`));
    this.seed = seed;
    this.path = [...path];
    // Hash the seed (both 32-bit halves) and the stream path into four state words.
    let h = fmix32((seed % 0x100000000) ^ 0x9e3779b9);
    h = fmix32(h ^ Math.floor(seed / 0x100000000));
    for (const k of path) h = fmix32(h ^ fmix32(k + 0x632be5ab));
    this.s0 = h = fmix32(h + 0x9e3779b9);
    this.s1 = h = fmix32(h + 0x9e3779b9);
    this.s2 = h = fmix32(h + 0x9e3779b9);
    this.s3 = h = fmix32(h + 0x9e3779b9);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the one forbidden state
  }

  /**
   * A generator seeded from the operating system's entropy, for runs that were given no seed
   * (like Gymnasium's unseeded reset). Its `seed` is recorded, so the run can be repeated.
   */
  static fromEntropy(): Rng {
    const words = new Uint32Array(2);
    globalThis.crypto.getRandomValues(words);
    return new Rng((words[0] & 0x1fffff) * 0x100000000 + words[1]);
  }

  /** An independent generator determined by this one's seed and path plus `index`. */
  stream(index: number): Rng {
    return new Rng(this.seed, [...this.path, index]);
  }

  /** The generator's position (its four state words and the cached normal), to continue a run later with `setState`. */
  getState(): number[] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0, this.spareNormal];
  }

  /** Continue from a position `getState` returned: the draws that follow are the ones that followed there. */
  setState(state: readonly number[]): void {
    if (!Array.isArray(state) || state.length !== 5 || state.slice(0, 4).some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) {
      throw new RangeError(`Rng.setState: expected what getState() returned (four 32-bit words and a number); received ${JSON.stringify(state)}.`);
    }
    [this.s0, this.s1, this.s2, this.s3] = state;
    this.spareNormal = state[4] ?? NaN; // JSON writes NaN as null
  }

  /** `n` independent generators: `stream(0)` ... `stream(n - 1)`. */
  split(n: number): Rng[] {
    checkSeed(n, "Rng.split: n");
    return Array.from({ length: n }, (_, k) => this.stream(k));
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A double uniform in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * TWO_POW_26 + lo) / TWO_POW_53;
  }

  /** A double uniform in [low, high). */
  uniform(low = 0, high = 1): number {
    if (!(Number.isFinite(low) && Number.isFinite(high) && low <= high)) {
      throw new RangeError(`Rng.uniform: expected finite low <= high; received low=${low}, high=${high}.`);
    }
    return low + (high - low) * this.random();
  }

  /** A normal draw with the given mean and standard deviation (Box-Muller, pairs cached). */
  normal(mean = 0, std = 1): number {
    if (!(Number.isFinite(mean) && Number.isFinite(std) && std >= 0)) {
      throw new RangeError(`Rng.normal: expected finite mean and std >= 0; received mean=${mean}, std=${std}.`);
    }
    let z = this.spareNormal;
    if (Number.isNaN(z)) {
      const u = 1 - this.random(); // in (0, 1], so the log is finite
      const v = this.random();
      const r = Math.sqrt(-2 * Math.log(u));
      z = r * Math.cos(2 * Math.PI * v);
      this.spareNormal = r * Math.sin(2 * Math.PI * v);
    } else {
      this.spareNormal = NaN;
    }
    return mean + std * z;
  }

  /** An integer uniform in [low, high) (high exclusive, like Python's `range`). */
  integer(low: number, high: number): number {
    if (!(Number.isSafeInteger(low) && Number.isSafeInteger(high) && low < high)) {
      throw new RangeError(`Rng.integer: expected integers low < high; received low=${low}, high=${high}.`);
    }
    return low + Math.floor(this.random() * (high - low));
  }

  /**
   * An index drawn with the given probabilities. They must be finite, non-negative and sum to 1
   * within 1e-6.
   */
  categorical(probs: ArrayLike<number>): number {
    const n = probs.length;
    if (n === 0) throw new RangeError("Rng.categorical: expected at least one probability; received an empty list.");
    let total = 0;
    for (let i = 0; i < n; i++) {
      const p = probs[i];
      if (!(p >= 0 && p !== Infinity)) {
        throw new RangeError(`Rng.categorical: probability ${i} is ${p}; expected a finite number >= 0.`);
      }
      total += p;
    }
    if (Math.abs(total - 1) > 1e-6) {
      throw new RangeError(`Rng.categorical: probabilities sum to ${total}; expected 1 (within 1e-6).`);
    }
    const u = this.random() * total;
    let cumulative = 0;
    let last = 0;
    for (let i = 0; i < n; i++) {
      if (probs[i] > 0) {
        cumulative += probs[i];
        last = i;
        if (u < cumulative) return i;
      }
    }
    return last; // u fell in the rounding gap at the top: the last index with mass
  }

  /** A uniformly random permutation of 0 .. n-1 (Fisher-Yates). */
  permutation(n: number): number[] {
    checkSeed(n, "Rng.permutation: n");
    const out = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      const tmp = out[i];
      out[i] = out[j];
      out[j] = tmp;
    }
    return out;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
