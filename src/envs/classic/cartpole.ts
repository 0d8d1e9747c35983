/**
 * ## CartPole-v1
 *
 * **Description.** A pole is attached by an unactuated joint to a cart that moves along a frictionless
 * track. The pole starts upright; the goal is to keep it up by pushing the cart left or right. This is
 * Gymnasium's `CartPole-v1` (gymnasium/envs/classic_control/cartpole.py), after Barto, Sutton and
 * Anderson (1983), with the same constants, the same Euler update order and float64 state, so that a
 * step from the same state with the same action gives the same next state.
 *
 * **Action space.** `Discrete(2)`: 0 pushes the cart to the left (force -10 N), 1 to the right (+10 N).
 *
 * **Observation space.** `Box` of 4 float32 values:
 *
 * | index | observation           | min                  | max                |
 * |-------|-----------------------|----------------------|--------------------|
 * | 0     | cart position x (m)   | -4.8                 | 4.8                |
 * | 1     | cart velocity (m/s)   | -inf                 | inf                |
 * | 2     | pole angle theta (rad)| -0.418 (-24 deg)     | 0.418 (24 deg)     |
 * | 3     | pole angular velocity | -inf                 | inf                |
 *
 * The episode terminates well inside these bounds (see below).
 *
 * **Rewards.** +1 for every step taken, including the step that terminates the episode.
 *
 * **Starting state.** Each of x, x', theta, theta' uniform in (-0.05, 0.05); reset options
 * `{ low, high }` change the interval.
 *
 * **Episode end.**
 * - Termination: x < -2.4 or x > 2.4 (the cart leaves the track), or theta < -12 deg or
 *   theta > 12 deg (the pole falls); strict inequalities.
 * - Truncation: after 500 steps (the `TimeLimit` added by `make("CartPole-v1")`).
 * Registered reward threshold: 475.
 *
 * **Arguments.** None. `getState()` / `setState([x, xDot, theta, thetaDot])` read and place the
 * physical state (float64).
 */
import type { Rng } from "../../rng";
import type { StepResult } from "../env";
import type { VectorKernel } from "../kernel";
import { Box, Discrete } from "../spaces";
import { KernelEnv } from "./kernel-env";

// Constants and derived quantities computed exactly as Gymnasium computes them.
const GRAVITY = 9.8;
const MASSCART = 1.0;
const MASSPOLE = 0.1;
const TOTAL_MASS = MASSPOLE + MASSCART;
const LENGTH = 0.5; // half the pole's length
const POLEMASS_LENGTH = MASSPOLE * LENGTH;
const FORCE_MAG = 10.0;
const TAU = 0.02; // seconds between state updates
const THETA_THRESHOLD_RADIANS = (12 * 2 * Math.PI) / 360;
const X_THRESHOLD = 2.4;

export const CARTPOLE_CONSTANTS = Object.freeze({
  gravity: GRAVITY,
  masscart: MASSCART,
  masspole: MASSPOLE,
  totalMass: TOTAL_MASS,
  length: LENGTH,
  polemassLength: POLEMASS_LENGTH,
  forceMag: FORCE_MAG,
  tau: TAU,
  thetaThresholdRadians: THETA_THRESHOLD_RADIANS,
  xThreshold: X_THRESHOLD,
});

const STATE_LABELS = ["x", "xDot", "theta", "thetaDot"] as const;

function resetBounds(options: Record<string, unknown>, name: string): [number, number] {
  const low = options.low ?? -0.05;
  const high = options.high ?? 0.05;
  if (typeof low !== "number" || typeof high !== "number" || !Number.isFinite(low) || !Number.isFinite(high) || low > high) {
    throw new RangeError(`${name}.reset: options.low and options.high must be finite numbers with low <= high; received low=${String(low)}, high=${String(high)}.`);
  }
  return [low, high];
}

/** CartPole's dynamics on a flat state array (shared by `CartPole` and `VectorEnv`). */
export const cartPoleKernel: VectorKernel = {
  name: "CartPole-v1",
  stateDim: 4,
  obsDim: 4,
  observation: { kind: "box" },
  resetOptions: ["low", "high"],
  action: { kind: "discrete", n: 2 },
  reset(rng, s, o, options) {
    const [low, high] = resetBounds(options, "CartPole-v1");
    for (let i = 0; i < 4; i++) s[o + i] = rng.uniform(low, high);
  },
  step(s, o, actions, a) {
    const x = s[o];
    const xDot = s[o + 1];
    const theta = s[o + 2];
    const thetaDot = s[o + 3];
    const force = actions[a] === 1 ? FORCE_MAG : -FORCE_MAG;
    const costheta = Math.cos(theta);
    const sintheta = Math.sin(theta);
    const temp = (force + POLEMASS_LENGTH * (thetaDot * thetaDot) * sintheta) / TOTAL_MASS;
    const thetaacc = (GRAVITY * sintheta - costheta * temp) / (LENGTH * (4.0 / 3.0 - (MASSPOLE * (costheta * costheta)) / TOTAL_MASS));
    const xacc = temp - (POLEMASS_LENGTH * thetaacc * costheta) / TOTAL_MASS;
    s[o] = x + TAU * xDot;
    s[o + 1] = xDot + TAU * xacc;
    s[o + 2] = theta + TAU * thetaDot;
    s[o + 3] = thetaDot + TAU * thetaacc;
    return 1.0;
  },
  terminal(s, o) {
    const x = s[o];
    const theta = s[o + 2];
    return x < -X_THRESHOLD || x > X_THRESHOLD || theta < -THETA_THRESHOLD_RADIANS || theta > THETA_THRESHOLD_RADIANS;
  },
  observe(s, o, obs, oo) {
    for (let i = 0; i < 4; i++) obs[oo + i] = Math.fround(s[o + i]);
  },
};

const OBS_HIGH = [X_THRESHOLD * 2, Infinity, THETA_THRESHOLD_RADIANS * 2, Infinity];

/** Gymnasium's CartPole-v1 (without its time limit; `make("CartPole-v1")` adds it). */
export class CartPole extends KernelEnv<number> {
  readonly observationSpace = new Box(OBS_HIGH.map((h) => -h), OBS_HIGH);
  readonly actionSpace = new Discrete(2);
  private readonly action = [0];

  constructor() {
    super(cartPoleKernel, STATE_LABELS);
  }

  protected transition(action: number, rng: Rng): StepResult<Float32Array> {
    this.action[0] = action;
    return this.advance(this.action, rng);
  }

  /** The current state drawn as SVG. */
  render(): string {
    return renderCartPole(this.state);
  }
}

/** Draw a CartPole state [x, xDot, theta, thetaDot] as an SVG image (Gymnasium's proportions). */
export function renderCartPole(state: ArrayLike<number>, width = 600, height = 400): string {
  const worldWidth = X_THRESHOLD * 2;
  const scale = width / worldWidth;
  const poleLen = scale * (2 * LENGTH);
  const cartW = 50;
  const cartH = 30;
  const trackY = height * 0.65;
  const cx = state[0] * scale + width / 2;
  const theta = state[2];
  const tipX = cx + poleLen * Math.sin(theta);
  const tipY = trackY - cartH / 4 - poleLen * Math.cos(theta);
  const f = (v: number) => v.toFixed(2);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="100%" height="100%" fill="white"/>` +
    `<line x1="0" y1="${f(trackY)}" x2="${width}" y2="${f(trackY)}" stroke="black"/>` +
    `<line x1="${f(width / 2 - X_THRESHOLD * scale)}" y1="${f(trackY - 8)}" x2="${f(width / 2 - X_THRESHOLD * scale)}" y2="${f(trackY + 8)}" stroke="#c33"/>` +
    `<line x1="${f(width / 2 + X_THRESHOLD * scale)}" y1="${f(trackY - 8)}" x2="${f(width / 2 + X_THRESHOLD * scale)}" y2="${f(trackY + 8)}" stroke="#c33"/>` +
    `<rect x="${f(cx - cartW / 2)}" y="${f(trackY - cartH / 2)}" width="${cartW}" height="${cartH}" fill="black"/>` +
    `<line x1="${f(cx)}" y1="${f(trackY - cartH / 4)}" x2="${f(tipX)}" y2="${f(tipY)}" stroke="#ca9865" stroke-width="10" stroke-linecap="round"/>` +
    `<circle cx="${f(cx)}" cy="${f(trackY - cartH / 4)}" r="5" fill="#8184cb"/>` +
    `</svg>`
  );
}
