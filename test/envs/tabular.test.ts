import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Bandit, GridWorld, type TabularEnv, type TabularMDP, ShortCorridor, make, randomMdp, shortCorridorMdp, validateMdp } from "../../src/envs/index";
import { Rng } from "../../src/rng";

/**
 * Steps the simulator n times from (s, a) through its vector kernel and checks that every successor's
 * empirical frequency is within 4 standard errors of P[s][a][s'], and the mean reward within 4
 * standard errors of R[s][a].
 */
function checkModel(env: TabularEnv, s: number, a: number, n = 20000) {
  const kernel = env.kernel();
  const rng = new Rng(17);
  const state = new Float64Array(1);
  const counts = new Array(env.nStates).fill(0);
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    state[0] = s;
    const r = kernel.step(state, 0, [a], 0, rng);
    counts[state[0]]++;
    sum += r;
    sumSq += r * r;
  }
  env.transitions[s][a].forEach((p, t) => {
    const se = Math.sqrt((p * (1 - p)) / n);
    assert.ok(Math.abs(counts[t] / n - p) <= 4 * se + 1e-12, `P[${s}][${a}][${t}] = ${p}, frequency ${counts[t] / n}`);
  });
  const mean = sum / n;
  const se = Math.sqrt(Math.max(sumSq / n - mean * mean, 0) / n);
  assert.ok(Math.abs(mean - env.rewards[s][a]) <= 4 * se + 1e-12, `R[${s}][${a}] = ${env.rewards[s][a]}, mean reward ${mean} (se ${se})`);
}

describe("ShortCorridor-v0", () => {
  test("every state gives the same observation; switched actions in state 1; -1 per step; terminates at the goal", () => {
    const env = make("ShortCorridor-v0");
    const { observation, info } = env.reset({ seed: 0 });
    assert.equal(observation, 0);
    assert.equal(info.state, 0);
    const path: number[] = [];
    for (const a of [0, 1, 1, 0, 1]) {
      const r = env.step(a);
      assert.equal(r.observation, 0);
      assert.equal(r.reward, -1);
      path.push(r.info.state as number);
      if (r.terminated) break;
    }
    assert.deepEqual(path, [0, 1, 0, 0, 1]); // left at the wall stays; right in state 1 goes back to 0
    env.reset();
    const trip = [1, 0, 1].map((a) => env.step(a)); // 0 -right-> 1 -left(switched: goes right)-> 2 -right-> goal
    assert.deepEqual(trip.map((r) => r.info.state), [1, 2, 3]);
    assert.equal(trip[2].terminated, true);
    assert.deepEqual(env.toTabular(), shortCorridorMdp());
  });
});

describe("model and simulator agree", () => {
  test("GridWorld with slip: transition frequencies and rewards", () => {
    const env = new GridWorld({ slip: 0.2 });
    for (const [s, a] of [[0, 1], [0, 2], [env.stateOf(2, 3), 1], [env.stateOf(0, 3), 2]]) checkModel(env, s, a);
  });
  test("random MDPs (discounted and episodic)", () => {
    const discounted = randomMdp({ nStates: 8, nActions: 3, branching: 4, seed: 5 });
    const episodic = randomMdp({ nStates: 8, nActions: 2, branching: 3, seed: 6, terminalStates: 2, gamma: 1 });
    for (const env of [discounted, episodic]) for (const [s, a] of [[0, 0], [3, 1], [5, 1]]) checkModel(env, s, a);
  });
  test("Bandit: Gaussian rewards with the model's means", () => {
    const env = new Bandit({ means: [0.5, -1, 2], std: 2 });
    for (let a = 0; a < 3; a++) checkModel(env, 0, a);
  });
});

describe("GridWorld", () => {
  test("walls and borders block moves; goal and pit terminate with their rewards", () => {
    const env = new GridWorld(); // 4x4, wall (1,1), pit (1,3), goal (3,3)
    assert.equal(env.nStates, 15);
    env.reset({ seed: 0 });
    assert.equal(env.step(0).info.state, env.stateOf(0, 0), "up from the top row stays");
    assert.equal(env.step(1).info.state, env.stateOf(0, 1));
    assert.equal(env.step(2).info.state, env.stateOf(0, 1), "down into the wall stays");
    env.step(1);
    env.step(1); // (0, 3)
    const pit = env.step(2);
    assert.equal(pit.terminated, true);
    assert.equal(pit.reward, -11);
    assert.deepEqual(env.cellOf(env.stateOf(3, 3)), [3, 3]);
    assert.ok(Number.isNaN(env.toGrid(new Array(15).fill(1))[1][1]));
    const goal = new GridWorld({ rows: 1, cols: 2, pits: [], walls: [] });
    goal.reset({ seed: 0 });
    const r = goal.step(1);
    assert.equal(r.terminated, true);
    assert.equal(r.reward, 9);
  });
  test("invalid layouts are clear errors", () => {
    assert.throws(() => new GridWorld({ rows: 0 }), /rows must be an integer >= 1; received 0/);
    assert.throws(() => new GridWorld({ walls: [[9, 9]] }), /walls has the cell \[9,9\]; expected \[row, col\] inside the 4 x 4 grid/);
    assert.throws(() => new GridWorld({ goals: [[1, 1]] }), /goals cell \[1, 1\] is a wall/);
    assert.throws(() => new GridWorld({ slip: 1.5 }), /slip must be a probability in \[0, 1\]; received 1.5/);
    assert.throws(() => new GridWorld().stateOf(1, 1), /wall or outside/);
  });
});

describe("Bandit", () => {
  test("one step per episode; seeded testbed means; bad arguments", () => {
    const env = make("Bandit-v0", { k: 5, seed: 3 });
    assert.equal(env.means.length, 5);
    assert.deepEqual(new Bandit({ k: 5, seed: 3 }).means, env.means);
    env.reset({ seed: 1 });
    assert.equal(env.step(4).terminated, true);
    assert.throws(() => new Bandit({ means: [] }), /means must be a non-empty list/);
    assert.throws(() => new Bandit({ k: 0 }), /k \(number of arms\) must be an integer >= 1; received 0/);
    assert.throws(() => new Bandit({ std: -1 }), /std must be a finite number >= 0; received -1/);
    assert.throws(() => new Bandit({ means: [1, NaN] }), /means\[1\] is NaN/);
  });
});

describe("randomMdp", () => {
  test("valid Garnet models; branching successors; episodic ones reach a terminal state from every (s, a)", () => {
    const env = randomMdp({ nStates: 20, nActions: 4, branching: 5, seed: 1 });
    validateMdp(env);
    for (const rows of env.transitions) for (const row of rows) assert.ok(row.filter((p) => p > 0).length <= 5);
    const ep = randomMdp({ nStates: 10, terminalStates: 3, gamma: 1, seed: 2 });
    for (let s = 0; s < 7; s++) for (const row of ep.transitions[s]) assert.ok(row.slice(7).some((p) => p > 0));
    assert.deepEqual(randomMdp({ seed: 4 }).transitions, randomMdp({ seed: 4 }).transitions, "same seed, same MDP");
    assert.throws(() => randomMdp({ branching: 11 }), /branching \(11\) cannot exceed nStates \(10\)/);
    assert.throws(() => randomMdp({ gamma: 2 }), /gamma must be in \[0, 1\]; received 2/);
  });
});

describe("validateMdp", () => {
  const good = (): TabularMDP => shortCorridorMdp();
  test("names the offending state and action", () => {
    const m1 = good();
    m1.transitions[1][0] = [0, 0, 0.9, 0];
    assert.throws(() => validateMdp(m1), /P\[s=1\]\[a=0\]\[\.\] sum to 0.9; expected 1/);
    const m2 = good();
    m2.transitions[2][1] = [0.5, 0, -0.1, 0.6];
    assert.throws(() => validateMdp(m2), /P\[s=2\]\[a=1\]\[s'=2\] is -0.1/);
    const m3 = good();
    m3.gamma = 1.5;
    assert.throws(() => validateMdp(m3), /gamma must be in \[0, 1\]; received 1.5/);
    const m4 = good();
    m4.rewards[0] = [1];
    assert.throws(() => validateMdp(m4), /rewards\[0\] must have nActions = 2 values; received 1/);
    const m5 = good();
    m5.initial = [0.5, 0.4, 0, 0];
    assert.throws(() => validateMdp(m5), /initial probabilities sum to 0.9/);
    assert.doesNotThrow(() => validateMdp(good()));
  });
});

test("every registered environment passes checkEnv; make of an unknown id lists the registered ids", async () => {
  const { checkEnv, registeredIds } = await import("../../src/envs/index");
  for (const id of registeredIds()) assert.ok(checkEnv(make(id)).length >= 5, id);
  assert.throws(() => make("CartPole-v0"), /unknown environment id "CartPole-v0". Registered ids: CartPole-v1, Pendulum-v1, ShortCorridor-v0/);
  assert.throws(() => make("ShortCorridor-v0", { p: 1 }), /unknown argument\(s\) p; it takes none/);
  assert.ok(new ShortCorridor().gamma === 1);
});
