#!/usr/bin/env node
/**
 * The project's Jupyter kernelspec, "TypeScript (policy-gradient lab)": tslab 1.0.22 from this
 * project's node_modules, started with the same Node.js that runs this script.
 *
 *   node scripts/kernel.js            writes it to .jupyter-local/kernels/pglab (project-local)
 *   node scripts/kernel.js --install  also registers it for the current user (for VS Code etc.)
 *
 * The project-local copy is used by `npm run lab` and `npm run book` through JUPYTER_PATH, so
 * neither writes to the user's Jupyter configuration.
 */
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");

const root = path.resolve(__dirname, "..");
const KERNEL_NAME = "pglab";
const DISPLAY_NAME = "TypeScript (policy-gradient lab)";
const localJupyterPath = path.join(root, ".jupyter-local");

function kernelJson() {
  const tslabMain = path.join(root, "node_modules", "tslab", "bin", "tslab");
  if (!fs.existsSync(tslabMain)) {
    throw new Error(`tslab is not installed at ${tslabMain}: run "npm install" in ${root} first.`);
  }
  return {
    argv: [process.execPath, tslabMain, "kernel", "--config-path", "{connection_file}"],
    display_name: DISPLAY_NAME,
    language: "typescript",
    interrupt_mode: "signal",
    metadata: { debugger: false },
  };
}

/** Write the kernelspec into `<dir>/kernels/pglab`; returns the kernel folder. */
function writeKernelspec(dir = localJupyterPath) {
  const folder = path.join(dir, "kernels", KERNEL_NAME);
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, "kernel.json"), JSON.stringify(kernelJson(), null, 2) + "\n");
  return folder;
}

/** Environment for Jupyter processes that should see the project-local kernel. */
function jupyterEnv(base = process.env) {
  const sep = path.delimiter;
  return { ...base, JUPYTER_PATH: [localJupyterPath, base.JUPYTER_PATH].filter(Boolean).join(sep) };
}

/** The per-user Jupyter data folder, as Jupyter defines it on each platform. */
function userDataDir() {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  if (process.platform === "win32") return path.join(process.env.APPDATA || path.join(os.homedir(), "AppData", "Roaming"), "jupyter");
  if (process.platform === "darwin") return path.join(os.homedir(), "Library", "Jupyter");
  return path.join(process.env.XDG_DATA_HOME || path.join(os.homedir(), ".local", "share"), "jupyter");
}

function installForUser() {
  const folder = writeKernelspec();
  const viaJupyter = spawnSync("jupyter", ["kernelspec", "install", "--user", "--replace", "--name", KERNEL_NAME, folder], {
    stdio: "inherit",
    shell: process.platform === "win32",
  });
  if (viaJupyter.status === 0) return;
  const dest = writeKernelspec(userDataDir());
  console.log(`Jupyter's command was not found; wrote the kernelspec directly to ${dest}`);
}

module.exports = { KERNEL_NAME, DISPLAY_NAME, localJupyterPath, writeKernelspec, jupyterEnv };

if (require.main === module) {
  try {
    if (process.argv.includes("--install")) {
      installForUser();
      console.log(`Kernel "${DISPLAY_NAME}" registered for this user. Pick it in VS Code or JupyterLab.`);
    } else {
      console.log(`Kernelspec written to ${writeKernelspec()}`);
    }
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
