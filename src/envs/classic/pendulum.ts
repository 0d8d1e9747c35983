/**
 * ## Pendulum-v1
 *
 * **Description.** The inverted-pendulum swing-up: a pendulum hangs from a fixed pivot; apply torque
 * to swing it up and keep it upright. This is Gymnasium's `Pendulum-v1`
 * (gymnasium/envs/classic_control/pendulum.py), with the same constants and update. theta = 0 is
 * upright; theta increases counter-clockwise.
 *
 * **Action space.** `Box(-2, 2, [1])`: the torque u in N m. Finite actions outside [-2, 2] are clipped
 * to it, as Gymnasium does (so the gradient of a Gaussian policy sees the clipped torque only through
 * the reward); NaN, infinite or wrongly shaped actions are errors.
 *
 * **Observation space.** `Box` of 3 float32 values:
 *
 * | index | observation          | min  | max |
 * |-------|----------------------|------|-----|
 * | 0     | x = cos(theta)       | -1   | 1   |
 * | 1     | y = sin(theta)       | -1   | 1   |
 * | 2     | angular velocity     | -8   | 8   |
 *
 * **Rewards.** r = -(normalize(theta)^2 + 0.1 thetaDot^2 + 0.001 u^2), computed with theta and thetaDot
 * *before* the update, where normalize(a) = ((a + pi) mod 2 pi) - pi (Python's floored modulo). The
 * reward lies in [-16.27, 0].
 *
 * **Dynamics.** thetaDot' = clip(thetaDot + (3 g / (2 l) sin(theta) + 3 / (m l^2) u) dt, -8, 8);
 * theta' = theta + thetaDot' dt; with g = 10 (argument), m = l = 1, dt = 0.05.
 *
 * **Starting state.** theta uniform in [-pi, pi], thetaDot uniform in [-1, 1]; reset options
 * `{ x_init, y_init }` (Gymnasium's names) change the two bounds.
 *
 * **Episode end.**
 * - Termination: never.
 * - Truncation: after 200 steps (the `TimeLimit` added by `make("Pendulum-v1")`).
 *
 * **Arguments.** `{ g }`: gravity, default 10.0. `getState()` / `setState([theta, thetaDot])` read and
 * place the physical state.
 */
import type { Rng } from "../../rng";
import type { ResetResult, StepResult } from "../env";
import type { VectorKernel } from "../kernel";
import { Box } from "../spaces";
import { KernelEnv } from "./kernel-env";

const MAX_SPEED = 8;
const MAX_TORQUE = 2.0;
const DT = 0.05;
const M = 1.0;
const L = 1.0;
const STATE_LABELS = ["theta", "thetaDot"] as const;

/** ((x + pi) mod 2 pi) - pi with Python's floored modulo, as Gymnasium's angle_normalize. */
export function angleNormalize(x: number): number {
  const w = 2 * Math.PI;
  let m = (x + Math.PI) % w;
  if (m !== 0 && m < 0) m += w;
  return m - Math.PI;
}

function initBound(options: Record<string, unknown>, key: "x_init" | "y_init", fallback: number): number {
  const v = options[key] ?? fallback;
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new RangeError(`Pendulum-v1.reset: options.${key} must be a finite number; received ${String(v)}.`);
  }
  return v;
}

/** Pendulum's dynamics on a flat state array, for gravity `g`. */
export function pendulumKernel(g = 10.0): VectorKernel {
  if (typeof g !== "number" || !Number.isFinite(g)) throw new RangeError(`Pendulum-v1: g must be a finite number; received ${String(g)}.`);
  return {
    name: "Pendulum-v1",
    stateDim: 2,
    obsDim: 3,
    observation: { kind: "box" },
    resetOptions: ["x_init", "y_init"],
    action: { kind: "continuous", dim: 1, low: -MAX_TORQUE, high: MAX_TORQUE },
    reset(rng, s, o, options) {
      const hx = initBound(options, "x_init", Math.PI);
      const hy = initBound(options, "y_init", 1.0);
      s[o] = rng.uniform(-hx, hx);
      s[o + 1] = rng.uniform(-hy, hy);
    },
    step(s, o, actions, a) {
      const th = s[o];
      const thdot = s[o + 1];
      const u = Math.min(Math.max(actions[a], -MAX_TORQUE), MAX_TORQUE);
      const an = angleNormalize(th);
      const costs = an * an + 0.1 * (thdot * thdot) + 0.001 * (u * u);
      let newthdot = thdot + ((3 * g) / (2 * L) * Math.sin(th) + (3.0 / (M * L * L)) * u) * DT;
      newthdot = Math.min(Math.max(newthdot, -MAX_SPEED), MAX_SPEED);
      s[o] = th + newthdot * DT;
      s[o + 1] = newthdot;
      return -costs;
    },
    terminal() {
      return false;
    },
    observe(s, o, obs, oo) {
      obs[oo] = Math.fround(Math.cos(s[o]));
      obs[oo + 1] = Math.fround(Math.sin(s[o]));
      obs[oo + 2] = Math.fround(s[o + 1]);
    },
  };
}

/** Gymnasium's Pendulum-v1 (without its time limit; `make("Pendulum-v1")` adds it). */
export class Pendulum extends KernelEnv<Float32Array | number[]> {
  readonly observationSpace = new Box([-1, -1, -MAX_SPEED], [1, 1, MAX_SPEED]);
  readonly actionSpace = new Box(-MAX_TORQUE, MAX_TORQUE, [1]);
  readonly g: number;
  /** The last torque applied (after clipping), or null before the first step. */
  lastTorque: number | null = null;

  constructor(args: { g?: number } = {}) {
    const g = args.g ?? 10.0;
    super(pendulumKernel(g), STATE_LABELS);
    this.g = g;
  }

  protected override resetState(rng: Rng, options: Record<string, unknown>): ResetResult<Float32Array> {
    this.lastTorque = null;
    return super.resetState(rng, options);
  }

  protected transition(action: Float32Array | number[], rng: Rng): StepResult<Float32Array> {
    this.lastTorque = Math.min(Math.max(action[0], -MAX_TORQUE), MAX_TORQUE);
    return this.advance(action, rng);
  }

  /** The current state drawn as SVG. */
  render(): string {
    return renderPendulum(this.state, this.lastTorque);
  }
}

/** Draw a pendulum state [theta, thetaDot] as SVG (upright is theta = 0), with the last torque as an arc. */
export function renderPendulum(state: ArrayLike<number>, torque: number | null = null, size = 400): string {
  const c = size / 2;
  const len = size * 0.4;
  const th = state[0];
  const tipX = c + len * Math.sin(th);
  const tipY = c - len * Math.cos(th);
  const f = (v: number) => v.toFixed(2);
  let arc = "";
  if (torque !== null && torque !== 0) {
    const r = size * 0.12 * (Math.abs(torque) / MAX_TORQUE) + 8;
    const sweep = torque > 0 ? 0 : 1; // counter-clockwise for positive torque
    arc = `<path d="M ${f(c + r)} ${f(c)} A ${f(r)} ${f(r)} 0 1 ${sweep} ${f(c)} ${f(c - r)}" fill="none" stroke="#555" stroke-width="3"/>`;
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">` +
    `<rect width="100%" height="100%" fill="white"/>${arc}` +
    `<line x1="${c}" y1="${c}" x2="${f(tipX)}" y2="${f(tipY)}" stroke="#cc4c4c" stroke-width="${f(size * 0.05)}" stroke-linecap="round"/>` +
    `<circle cx="${c}" cy="${c}" r="${f(size * 0.02)}" fill="black"/>` +
    `</svg>`
  );
}
