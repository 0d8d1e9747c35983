/**
 * Running statistics that put an actor-critic's inputs and targets on a common scale, as
 * Stable-Baselines3's `VecNormalize` does (and Engstrom et al., 2020, "Implementation matters in deep
 * policy gradients", measure):
 *
 * - `ObservationNormalizer`: each observation number becomes (o - mean) / std, with the mean and
 *   variance of every observation seen so far. At the end of training `foldInto` writes the
 *   normalisation into the first layer of the network (W' = W / std, b' = b - W' mean), so that the
 *   trained policy acts on raw observations and is saved like any other.
 * - `RewardScaler`: rewards divided by the standard deviation of the discounted return
 *   G <- gamma G + r (per copy, restarted when an episode ends). The critic then fits values of order 1
 *   instead of, on Pendulum-v1 with gamma 0.9, of order -100, which an Adam step of 0.005 per weight
 *   needs tens of thousands of steps to reach. The recorded episode returns stay unscaled.
 */

/** Mean and variance of vectors of `dim` numbers, merged batch by batch (Chan et al.'s parallel update). */
export class RunningMoments {
  readonly mean: Float64Array;
  readonly variance: Float64Array;
  count = 0;
  constructor(readonly dim: number) {
    this.mean = new Float64Array(dim);
    this.variance = new Float64Array(dim).fill(1);
  }

  /** Merge `rows` vectors of `x` (row-major, `dim` numbers each). */
  update(x: ArrayLike<number>, rows: number): void {
    if (rows <= 0) return;
    const d = this.dim;
    const n = this.count + rows;
    for (let j = 0; j < d; j++) {
      let m = 0;
      for (let i = 0; i < rows; i++) m += x[i * d + j];
      m /= rows;
      let ss = 0;
      for (let i = 0; i < rows; i++) ss += (x[i * d + j] - m) ** 2;
      const delta = m - this.mean[j];
      const prior = this.count === 0 ? 0 : this.variance[j] * this.count;
      this.mean[j] += (delta * rows) / n;
      this.variance[j] = (prior + ss + (delta * delta * this.count * rows) / n) / n;
    }
    this.count = n;
  }

  std(j: number): number {
    return Math.sqrt(this.variance[j] + 1e-8);
  }
}

/** Observations normalised by running moments (frozen between `update` calls). */
export class ObservationNormalizer {
  readonly moments: RunningMoments;
  private buffer = new Float32Array(0);
  constructor(readonly dim: number) {
    this.moments = new RunningMoments(dim);
  }

  /** (o - mean) / std of `rows` observations into a reused buffer (copy it to keep it). */
  apply(observations: ArrayLike<number>, rows: number): Float32Array {
    const d = this.dim;
    if (this.buffer.length < rows * d) this.buffer = new Float32Array(rows * d);
    const out = this.buffer;
    for (let j = 0; j < d; j++) {
      const m = this.moments.mean[j];
      const s = this.moments.std(j);
      for (let i = 0; i < rows; i++) out[i * d + j] = (observations[i * d + j] - m) / s;
    }
    return out.subarray(0, rows * d);
  }

  /** Normalise in place. */
  applyInPlace(observations: Float32Array, rows: number): void {
    observations.set(this.apply(observations, rows), 0);
  }

  /**
   * Fold the normalisation into a flat parameter vector whose first entries are a first layer W [dim,
   * out] (row-major) followed by its bias b [out]: W'[i][j] = W[i][j] / std_i, b'[j] = b[j] - sum_i
   * W'[i][j] mean_i. The network then computes on raw observations what it computed on normalised ones.
   */
  foldInto(params: Float64Array, out: number): Float64Array {
    const d = this.dim;
    const p = Float64Array.from(params);
    for (let i = 0; i < d; i++) {
      const s = this.moments.std(i);
      for (let j = 0; j < out; j++) p[i * out + j] /= s;
    }
    for (let j = 0; j < out; j++) {
      let shift = 0;
      for (let i = 0; i < d; i++) shift += p[i * out + j] * this.moments.mean[i];
      p[d * out + j] -= shift;
    }
    return p;
  }
}

/** Rewards divided by the running standard deviation of the discounted return. */
export class RewardScaler {
  private readonly returns: Float64Array;
  private readonly moments = new RunningMoments(1);
  constructor(
    readonly copies: number,
    readonly gamma: number,
  ) {
    this.returns = new Float64Array(copies);
  }

  /** Update the statistics with a segment's rows (time-major, `copies` per step), then scale its rewards in place. */
  scale(segment: { rewards: Float64Array; terminated: ArrayLike<number>; truncated: ArrayLike<number> }): void {
    const { rewards, terminated, truncated } = segment;
    const g = new Float64Array(rewards.length);
    for (let k = 0; k < rewards.length; k++) {
      const i = k % this.copies;
      this.returns[i] = this.gamma * this.returns[i] + rewards[k];
      g[k] = this.returns[i];
      if (terminated[k] || truncated[k]) this.returns[i] = 0;
    }
    this.moments.update(g, g.length);
    const s = Math.sqrt(this.moments.variance[0] + 1e-8);
    for (let k = 0; k < rewards.length; k++) rewards[k] /= s;
  }

  /** The current divisor. */
  get scaleFactor(): number {
    return Math.sqrt(this.moments.variance[0] + 1e-8);
  }
}
