/**
 * Foundation figures: how long a student waits for the kernel and the library, measured end to end
 * with Jupyter's nbconvert and the real tslab kernel (so they include nbconvert's own start-up).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { NOTEBOOK_DIR, readNotebook } from "../scripts/notebooks";
import type { Bench, Figures } from "./harness";
// eslint-disable-next-line @typescript-eslint/no-var-requires
const kernel = require("../scripts/kernel.js") as { KERNEL_NAME: string; writeKernelspec: () => string; jupyterEnv: () => NodeJS.ProcessEnv };

function nbconvertSeconds(file: string, env: NodeJS.ProcessEnv): number | null {
  const started = performance.now();
  const r = spawnSync("jupyter", ["nbconvert", "--to", "notebook", "--execute", `--ExecutePreprocessor.kernel_name=${kernel.KERNEL_NAME}`, "--stdout", file], {
    env,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  return r.status === 0 ? (performance.now() - started) / 1000 : null;
}

export const foundation: Bench = {
  group: "foundation",
  repetitions: 3,
  description: {
    kernel_import_s: "nbconvert + kernel start + the library's import cell and initTf (s)",
    kernel_import_no_python_s: "the same without Jupyter: a Node process running tslab's converter and executor (s)",
    setup_quick_s: "notebooks/00-setup.ipynb in quick mode through nbconvert (s)",
  },
  run(): Figures {
    kernel.writeKernelspec();
    const setup = readNotebook(path.join(NOTEBOOK_DIR, "00-setup.ipynb"));
    const importOnly = path.join(NOTEBOOK_DIR, ".bench-import.ipynb");
    const firstCode = setup.cells.find((c) => c.cell_type === "code")!;
    fs.writeFileSync(importOnly, JSON.stringify({ ...setup, cells: [firstCode, { ...firstCode, source: "await pg.initTf();" }] }));
    try {
      const env = kernel.jupyterEnv();
      const started = performance.now();
      const inProcess = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "..", "scripts", "run-notebook.ts"), importOnly], { encoding: "utf8" });
      const noPython = inProcess.status === 0 ? (performance.now() - started) / 1000 : null;
      return {
        kernel_import_s: nbconvertSeconds(importOnly, env),
        kernel_import_no_python_s: noPython,
        setup_quick_s: nbconvertSeconds(path.join(NOTEBOOK_DIR, "00-setup.ipynb"), { ...env, PG_QUICK: "1" }),
      };
    } finally {
      fs.rmSync(importOnly, { force: true });
    }
  },
};

