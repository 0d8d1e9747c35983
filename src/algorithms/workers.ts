/**
 * Worker threads on the library's own modules, for training that fans work out to every core.
 *
 * `startWorker(dir, base, data)` starts `<dir>/<base>.ts` under tsx (tests, scripts: the worker
 * registers tsx's CommonJS hook before loading the source) or `<dir>/<base>.js` from the compiled
 * build (dist/lib, as notebooks load the library), whichever the calling module itself is.
 *
 * `WorkerPool` keeps N such workers for the length of a run and hands them tasks one at a time, so a
 * worker that finishes early takes the next task (tasks of uneven length keep every core busy).
 * Results come back in task order whatever the order they finished in. Protocol, worker side:
 * post `{ type: "ready" }` once started, then answer each `{ type: "task", index, task }` with
 * `{ type: "result", index, result }`; any failure is `{ type: "error", message }`. Other messages
 * (`broadcast`) are the worker's own business, e.g. new parameters before a round of tasks.
 */
import * as path from "path";
import { Worker } from "worker_threads";

/** Start a worker thread on module `base` of directory `dir` (the caller's `__dirname`). */
export function startWorker(dir: string, base: string, workerData: unknown): Worker {
  const ext = path.extname(__filename); // ".ts" under tsx, ".js" in dist/lib
  const file = path.join(dir, `${base}${ext}`);
  return ext === ".ts"
    ? new Worker(`require("tsx/cjs"); require(${JSON.stringify(file)});`, { eval: true, workerData })
    : new Worker(file, { workerData });
}

type Message = { type: "ready" } | { type: "result"; index: number; result: unknown } | { type: "error"; message: string };

export class WorkerPool<Task, Result> {
  private closed = false;
  private failure: Error | null = null;
  private onFailure: ((e: Error) => void) | null = null;

  private constructor(
    private readonly workers: Worker[],
    private readonly what: string,
  ) {
    for (const w of workers) {
      w.on("error", (e) => this.fail(e instanceof Error ? e : new Error(String(e))));
      w.on("exit", (code) => {
        if (!this.closed && code !== 0) this.fail(new Error(`${this.what}: a worker thread exited with code ${code}.`));
      });
    }
  }

  /** Start `n` workers on module `base` of `dir` and wait until each has said it is ready. */
  static async start<T, R>(n: number, dir: string, base: string, workerData: unknown, what: string): Promise<WorkerPool<T, R>> {
    const workers: Worker[] = [];
    try {
      for (let i = 0; i < n; i++) workers.push(startWorker(dir, base, { ...(workerData as object), workerIndex: i }));
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve, reject) => {
              w.once("message", (m: Message) => (m.type === "ready" ? resolve() : reject(new Error(`${what}: ${m.type === "error" ? m.message : "a worker did not start"}`))));
              w.once("error", reject);
            }),
        ),
      );
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw e;
    }
    return new WorkerPool<T, R>(workers, what);
  }

  get size(): number {
    return this.workers.length;
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    this.onFailure?.(e);
  }

  /** Send a message to every worker (before a round of tasks: messages arrive in order). */
  broadcast(message: unknown, transfer: readonly ArrayBuffer[] = []): void {
    for (const w of this.workers) w.postMessage(message, transfer as ArrayBuffer[]);
  }

  /** Run the tasks on the workers, each taking the next task as soon as it is free; results in task order. */
  run(tasks: readonly Task[]): Promise<Result[]> {
    if (this.failure) return Promise.reject(this.failure);
    const results: Result[] = new Array(tasks.length);
    let next = 0;
    let done = 0;
    return new Promise<Result[]>((resolve, reject) => {
      const listeners: [Worker, (m: Message) => void][] = [];
      const finish = (e: Error | null) => {
        for (const [w, f] of listeners) w.off("message", f);
        this.onFailure = null;
        if (e) reject(e);
        else resolve(results);
      };
      this.onFailure = finish;
      if (tasks.length === 0) return finish(null);
      const give = (w: Worker) => {
        if (next < tasks.length) {
          const index = next++;
          w.postMessage({ type: "task", index, task: tasks[index] });
        }
      };
      for (const w of this.workers) {
        const f = (m: Message) => {
          if (m.type === "error") return this.fail(new Error(`${this.what}: ${m.message}`));
          if (m.type !== "result") return;
          results[m.index] = m.result as Result;
          if (++done === tasks.length) finish(null);
          else give(w);
        };
        listeners.push([w, f]);
        w.on("message", f);
      }
      for (const w of this.workers) give(w);
    });
  }

  /** Stop every worker (idempotent). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
