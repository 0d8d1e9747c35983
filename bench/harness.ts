/**
 * A tiny benchmark harness: each benchmark runs several repetitions and reports medians.
 */
export type Figures = Record<string, number | null>;
export interface Bench {
  /** Group name, selectable on the command line (`npm run bench -- envs`). */
  group: string;
  /** What it measures, for the table. */
  description: Record<string, string>;
  /** One repetition; returns its figures. */
  run: () => Promise<Figures> | Figures;
  repetitions: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs a benchmark's repetitions and takes the median of each figure (null if any repetition had none). */
export async function medianOf(bench: Bench): Promise<Figures> {
  const reps: Figures[] = [];
  for (let i = 0; i < bench.repetitions; i++) reps.push(await bench.run());
  const out: Figures = {};
  for (const key of Object.keys(reps[0])) {
    const values = reps.map((r) => r[key]);
    out[key] = values.some((v) => v === null || v === undefined) ? null : median(values as number[]);
  }
  return out;
}

/**
 * `run` with the environment variable `name` set to `value`, restored afterwards (also when it
 * throws): how a figure pins a path the library chooses by environment (PG_MLP_KERNEL, PG_GRAD_KERNEL).
 */
export async function withEnv<T>(name: string, value: string, run: () => T | Promise<T>): Promise<T> {
  const saved = process.env[name];
  process.env[name] = value;
  try {
    return await run();
  } finally {
    if (saved === undefined) delete process.env[name];
    else process.env[name] = saved;
  }
}
