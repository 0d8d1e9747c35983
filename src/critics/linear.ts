/** Linear critics on feature vectors phi(s), trained by stochastic gradient descent on the squared error. */
import { type ActionValueCritic, type ValueCritic, checkCount, checkIndex, checkLr, checkTargets } from "./critic";

/** Row i of a flat array of rows of width d. */
function row(observations: ArrayLike<number>, i: number, d: number): ArrayLike<number> {
  return ArrayBuffer.isView(observations) ? (observations as Float32Array).subarray(i * d, (i + 1) * d) : Array.prototype.slice.call(observations, i * d, (i + 1) * d);
}

/** Linear V(s) = w . phi(s). */
export class LinearValue implements ValueCritic<ArrayLike<number>> {
  readonly weights: Float64Array;
  constructor(readonly config: { nFeatures: number; lr: number }) {
    checkCount("LinearValue", "nFeatures", config?.nFeatures);
    checkLr("LinearValue", config.lr);
    this.weights = new Float64Array(config.nFeatures);
  }
  value(phi: ArrayLike<number>): number {
    if (phi.length !== this.weights.length) throw new RangeError(`LinearValue.value: expected ${this.weights.length} features; received ${phi.length}.`);
    let v = 0;
    for (let i = 0; i < phi.length; i++) v += this.weights[i] * phi[i];
    return v;
  }
  valuesOf(observations: ArrayLike<number>, n: number): Float64Array {
    return Float64Array.from({ length: n }, (_, i) => this.value(row(observations, i, this.weights.length)));
  }
  fit(observations: ArrayLike<number>[], targets: ArrayLike<number>): number {
    checkTargets("LinearValue.fit", observations.length, targets);
    let mse = 0;
    observations.forEach((phi, i) => {
      const err = targets[i] - this.value(phi);
      mse += (err * err) / observations.length;
      for (let k = 0; k < phi.length; k++) this.weights[k] += this.config.lr * err * phi[k];
    });
    return mse;
  }
  fitRows(observations: ArrayLike<number>, targets: ArrayLike<number>): number {
    return this.fit(Array.from({ length: targets.length }, (_, i) => row(observations, i, this.weights.length)), targets);
  }
}

/** Linear Q(s, a) = w_a . phi(s) (one weight vector per action). */
export class LinearActionValue implements ActionValueCritic<ArrayLike<number>> {
  readonly weights: Float64Array;
  readonly nActions: number;
  constructor(readonly config: { nFeatures: number; nActions: number; lr: number }) {
    checkCount("LinearActionValue", "nFeatures", config?.nFeatures);
    checkCount("LinearActionValue", "nActions", config.nActions);
    checkLr("LinearActionValue", config.lr);
    this.nActions = config.nActions;
    this.weights = new Float64Array(config.nFeatures * config.nActions);
  }
  q(phi: ArrayLike<number>, a: number): number {
    checkIndex("LinearActionValue.q", "action", a, this.nActions);
    if (phi.length !== this.config.nFeatures) throw new RangeError(`LinearActionValue.q: expected ${this.config.nFeatures} features; received ${phi.length}.`);
    let v = 0;
    for (let i = 0; i < phi.length; i++) v += this.weights[a * phi.length + i] * phi[i];
    return v;
  }
  qRows(observations: ArrayLike<number>, n: number): Float64Array {
    const out = new Float64Array(n * this.nActions);
    for (let i = 0; i < n; i++) for (let a = 0; a < this.nActions; a++) out[i * this.nActions + a] = this.q(row(observations, i, this.config.nFeatures), a);
    return out;
  }
  fit(observations: ArrayLike<number>[], actions: ArrayLike<number>, targets: ArrayLike<number>): number {
    checkTargets("LinearActionValue.fit", observations.length, targets);
    let mse = 0;
    observations.forEach((phi, i) => {
      const a = actions[i];
      const err = targets[i] - this.q(phi, a);
      mse += (err * err) / observations.length;
      for (let k = 0; k < phi.length; k++) this.weights[a * phi.length + k] += this.config.lr * err * phi[k];
    });
    return mse;
  }
  fitRows(observations: ArrayLike<number>, actions: ArrayLike<number>, targets: ArrayLike<number>): number {
    return this.fit(Array.from({ length: targets.length }, (_, i) => row(observations, i, this.config.nFeatures)), actions, targets);
  }
}
