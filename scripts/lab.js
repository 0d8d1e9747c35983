#!/usr/bin/env node
/**
 * `npm run lab`: opens notebooks/ in JupyterLab (or the classic Notebook if only that is installed)
 * with the project's TypeScript kernel, without touching the user's Jupyter configuration: the
 * kernelspec lives in .jupyter-local/ and reaches Jupyter through JUPYTER_PATH for this process only.
 * Extra arguments go to Jupyter, e.g. `npm run lab -- --no-browser --port 8890`.
 */
const path = require("path");
const { spawnSync, spawn } = require("child_process");
const { writeKernelspec, jupyterEnv, DISPLAY_NAME } = require("./kernel");

const root = path.resolve(__dirname, "..");
const shell = process.platform === "win32";

function has(args) {
  return spawnSync("jupyter", args, { stdio: "ignore", shell }).status === 0;
}

writeKernelspec();
const app = has(["lab", "--version"]) ? "lab" : has(["notebook", "--version"]) ? "notebook" : null;
if (!app) {
  console.error(
    "Neither JupyterLab nor the classic Notebook was found (the command `jupyter lab --version` failed).\n" +
      "Install one, then run `npm run lab` again:\n" +
      "  python3 -m pip install --user jupyterlab        (any platform)\n" +
      "  sudo apt-get install jupyter-notebook           (Debian/Ubuntu: classic Notebook)\n" +
      "Or open the notebooks in VS Code after `npm run kernel:install`.",
  );
  process.exit(1);
}
const args = [app, ...process.argv.slice(2)];
// Jupyter refuses to start as root (containers, CI images) unless told it may
if (process.getuid?.() === 0 && !args.includes("--allow-root")) {
  args.push("--allow-root");
  console.log("Running as root: passing --allow-root to Jupyter.");
}
console.log(`Starting jupyter ${app} in notebooks/ with the kernel "${DISPLAY_NAME}"`);
const child = spawn("jupyter", args, {
  cwd: path.join(root, "notebooks"),
  env: jupyterEnv(),
  stdio: "inherit",
  shell,
});
child.on("exit", (code) => process.exit(code ?? 0));
