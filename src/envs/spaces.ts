/**
 * Action and observation spaces, as in Gymnasium: `Discrete(n)` (the integers 0 .. n-1) and
 * `Box(low, high, shape)` (real vectors within bounds, stored as float32 like Gymnasium's default).
 */
import { Rng } from "../rng";

export interface Space<T> {
  /** A random element (uniform where the space is bounded). */
  sample(rng: Rng): T;
  /** True if `x` belongs to the space (right type, shape and bounds). */
  contains(x: unknown): boolean;
  /** A short description, e.g. "Discrete(2)" or "Box(-2, 2, [1])". */
  toString(): string;
}

/** The integers 0 .. n-1. */
export class Discrete implements Space<number> {
  readonly n: number;
  constructor(n: number) {
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`Discrete: n must be an integer >= 1; received ${n}.`);
    this.n = n;
  }
  sample(rng: Rng): number {
    return rng.integer(0, this.n);
  }
  contains(x: unknown): boolean {
    return typeof x === "number" && Number.isInteger(x) && x >= 0 && x < this.n;
  }
  toString(): string {
    return `Discrete(${this.n})`;
  }
}

/**
 * Real vectors of a given shape with elementwise bounds `low <= x <= high` (bounds may be
 * infinite). Bounds are rounded to float32, as Gymnasium stores them.
 */
export class Box implements Space<Float32Array> {
  readonly low: Float32Array;
  readonly high: Float32Array;
  readonly shape: readonly number[];
  readonly size: number;

  constructor(low: number | ArrayLike<number>, high: number | ArrayLike<number>, shape?: readonly number[]) {
    const inferred = shape ?? (typeof low !== "number" ? [low.length] : typeof high !== "number" ? [high.length] : undefined);
    if (!inferred || inferred.some((d) => !Number.isSafeInteger(d) || d < 1)) {
      throw new RangeError(`Box: shape must be a list of positive integers; received ${JSON.stringify(inferred ?? shape)}.`);
    }
    this.shape = [...inferred];
    this.size = inferred.reduce((a, b) => a * b, 1);
    this.low = Box.broadcast(low, this.size, "low");
    this.high = Box.broadcast(high, this.size, "high");
    for (let i = 0; i < this.size; i++) {
      if (Number.isNaN(this.low[i]) || Number.isNaN(this.high[i]) || this.low[i] > this.high[i]) {
        throw new RangeError(`Box: expected low <= high; received low[${i}]=${this.low[i]}, high[${i}]=${this.high[i]}.`);
      }
    }
  }

  private static broadcast(v: number | ArrayLike<number>, size: number, name: string): Float32Array {
    if (typeof v === "number") return new Float32Array(size).fill(v);
    if (v.length !== size) throw new RangeError(`Box: ${name} has ${v.length} values; expected ${size} (the shape's size).`);
    return Float32Array.from(v);
  }

  sample(rng: Rng): Float32Array {
    // Like Gymnasium: uniform when bounded; shifted exponential when bounded on one side; normal otherwise.
    const out = new Float32Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i];
      const hi = this.high[i];
      const lowFinite = Number.isFinite(lo);
      const highFinite = Number.isFinite(hi);
      if (lowFinite && highFinite) out[i] = rng.uniform(lo, hi);
      else if (lowFinite) out[i] = lo - Math.log(1 - rng.random());
      else if (highFinite) out[i] = hi + Math.log(1 - rng.random());
      else out[i] = rng.normal();
      out[i] = Math.min(Math.max(out[i], lo), hi); // float32 rounding may step over a bound
    }
    return out;
  }

  contains(x: unknown): boolean {
    if (!(x instanceof Float32Array || x instanceof Float64Array || Array.isArray(x))) return false;
    const v = x as ArrayLike<unknown>;
    if (v.length !== this.size) return false;
    for (let i = 0; i < this.size; i++) {
      const xi = v[i];
      if (typeof xi !== "number" || Number.isNaN(xi)) return false;
      const f = Math.fround(xi);
      if (f < this.low[i] || f > this.high[i]) return false;
    }
    return true;
  }

  toString(): string {
    const fmt = (a: Float32Array) => (a.every((v) => v === a[0]) ? String(a[0]) : `[${Array.from(a).join(", ")}]`);
    return `Box(${fmt(this.low)}, ${fmt(this.high)}, [${this.shape.join(", ")}])`;
  }
}
