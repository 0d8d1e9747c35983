/**
 * TensorFlow.js, with its backend chosen once for the whole process.
 *
 * Order of preference: `tensorflow` (native, from the optional `@tensorflow/tfjs-node`) if it loads,
 * else `wasm` (`@tensorflow/tfjs-backend-wasm`, SIMD, works offline), else `cpu` (plain JavaScript).
 * Set the environment variable `PG_TF_BACKEND` to `tensorflow`, `wasm` or `cpu` to force one; a
 * forced backend that cannot load is an error rather than a silent fallback.
 *
 * ```ts
 * const backend = await initTf();   // "wasm" on a machine without tfjs-node
 * ```
 */
// Types come from tfjs-core only: the "@tensorflow/tfjs" bundle's declarations (layers, converter,
// data) would add about a second to every notebook's import cell, and the library needs none of them.
// At run time the bundle is required (untyped): it registers the gradients, the chained ops
// (x.square().sum()) and the cpu backend into the same tfjs-core.
import * as tf from "@tensorflow/tfjs-core";
import type {} from "@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops";
require("@tensorflow/tfjs");

export { tf };

// Production mode from the start: without it, the first use of TF.js' cpu backend in Node (e.g. a
// policy built before initTf) prints an "install tfjs-node" banner, and debug checks slow every op.
tf.enableProdMode();

export const BACKENDS = ["tensorflow", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface TfInfo {
  /** The backend in use. */
  backend: BackendName;
  /** Backends tried before it, with the reason each was passed over. */
  skipped: { backend: BackendName; reason: string }[];
  /** One line for humans, e.g. "TF.js 4.22.0 on wasm (tfjs-node not installed)". */
  summary: string;
}

let pending: Promise<TfInfo> | null = null;
let reported = false;

/** The backend forced by `PG_TF_BACKEND`, or null. An unknown name is an error. */
export function forcedBackend(env: Record<string, string | undefined> = process.env): BackendName | null {
  const raw = env.PG_TF_BACKEND;
  if (raw === undefined || raw === "") return null;
  const name = raw.trim().toLowerCase();
  if (!(BACKENDS as readonly string[]).includes(name)) {
    throw new RangeError(`PG_TF_BACKEND=${JSON.stringify(raw)} is not a backend; expected one of ${BACKENDS.join(", ")}.`);
  }
  return name as BackendName;
}

async function tryBackend(name: BackendName): Promise<void> {
  if (name === "tensorflow") {
    // Registers the "tensorflow" backend with the same tfjs-core as "@tensorflow/tfjs".
    require("@tensorflow/tfjs-node");
  } else if (name === "wasm") {
    require("@tensorflow/tfjs-backend-wasm");
  }
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tf.setBackend("${name}") returned false`);
  await tf.ready();
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  if (/Cannot find module '@tensorflow\/tfjs-node'/.test(text)) return "tfjs-node not installed";
  return text.split("\n")[0].slice(0, 160);
}

async function choose(): Promise<TfInfo> {
  tf.enableProdMode(); // silences the "install tfjs-node" banner and debug checks
  const forced = forcedBackend();
  const order: readonly BackendName[] = forced ? [forced] : BACKENDS;
  const skipped: TfInfo["skipped"] = [];
  for (const name of order) {
    try {
      await tryBackend(name);
      const why = skipped.map((s) => `${s.backend}: ${s.reason}`).join("; ");
      const how = forced ? "forced by PG_TF_BACKEND" : why;
      return {
        backend: name,
        skipped,
        summary: `TF.js ${tf.version_core} on ${name}${how ? ` (${how})` : ""}`,
      };
    } catch (e) {
      skipped.push({ backend: name, reason: firstLine(e) });
    }
  }
  throw new Error(
    `No TF.js backend could start: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join("; ")}.` +
      (forced ? " Unset PG_TF_BACKEND to let the library choose." : ""),
  );
}

/**
 * Choose and start the backend (once per process; later calls return the same answer).
 * Reports the choice once, as one short line on stdout, unless `quiet`.
 */
export async function initTf(options: { quiet?: boolean } = {}): Promise<TfInfo> {
  if (!pending) pending = choose();
  const info = await pending;
  if (!reported && !options.quiet) {
    reported = true;
    console.log(info.summary);
  }
  return info;
}
