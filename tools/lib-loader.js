/**
 * Loads the compiled library (dist/lib) for notebooks, rebuilding it first when src/ has changed.
 *
 * Why compiled: tslab type-checks every TypeScript file a notebook imports, which for the whole of
 * src/ costs seconds at every kernel start; declarations (dist/lib/*.d.ts) are read, not checked,
 * so the import cell takes about a second. Why a proxy: `pg` stays the same object while the code
 * behind it is reloaded, so an edit in src/ takes effect the next time `pg` is used (at most one
 * check of src/'s modification times per second), including when the import cell is re-run.
 *
 * Errors: the build carries source maps, and `load()` turns them on, so stack lines name the
 * TypeScript sources (src/algorithms/a2c.ts:97), not the compiled dist/lib. Inside a notebook an error
 * that passed through the library is printed message first (tslab prints a thrown error with
 * `console.error`; Node would open it with the compiled line that threw), followed by its stack
 * without the kernel's own frames; see `formatError`.
 */
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");
const util = require("util");

// PGLAB_ROOT points the loader at another copy of the project (used by its test).
const root = process.env.PGLAB_ROOT ? path.resolve(process.env.PGLAB_ROOT) : path.resolve(__dirname, "..");
const srcDir = path.join(root, "src");
const outDir = path.join(root, "dist", "lib");
const stampFile = path.join(outDir, ".built");

// The build depends on these too: a change of compiler options rebuilds.
const buildInputs = [path.join(root, "tsconfig.json"), path.join(root, "tsconfig.lib.json")];

function newestSource(dir = srcDir) {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (e.name.endsWith(".ts")) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function builtAt() {
  try {
    return fs.statSync(stampFile).mtimeMs;
  } catch {
    return 0;
  }
}

/** Compile src/ into dist/lib with the project's TypeScript; throws with the compiler's messages. */
function build({ quiet = false } = {}) {
  const tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
  if (!quiet) console.log("policy-gradient-lab: compiling src/ into dist/lib ...");
  const r = spawnSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.lib.json")], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) {
    throw new Error(`The library in src/ does not compile; fix these errors and run the cell again:\n${(r.stdout + r.stderr).trim()}`);
  }
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(stampFile, new Date().toISOString() + "\n");
}

function newestInput() {
  let newest = newestSource();
  for (const f of buildInputs) if (fs.existsSync(f)) newest = Math.max(newest, fs.statSync(f).mtimeMs);
  return newest;
}

function isStale() {
  return !fs.existsSync(path.join(outDir, "index.js")) || newestInput() > builtAt();
}

let current = null;
let lastCheck = 0;

function fresh() {
  const now = Date.now();
  if (current && now - lastCheck < 1000) return current;
  lastCheck = now;
  const stale = isStale();
  if (stale) build();
  if (!current || stale) {
    for (const key of Object.keys(require.cache)) if (key.startsWith(outDir + path.sep)) delete require.cache[key];
    current = require(path.join(outDir, "index.js"));
  }
  return current;
}

// ---- errors ---------------------------------------------------------------------------------------

const INTERNAL_FRAME = /\((node:|internal\/)|^\s*at (node:|internal\/)|[\\/]node_modules[\\/]tslab[\\/]|[\\/]tools[\\/]lib-loader\.js|^\s*at (new )?Promise \(<anonymous>\)$/;
const CELL_FRAME = /evalmachine\.<anonymous>|^\s*at <anonymous>$/;

/** True if the error's stack passes through the library (its sources or its build). */
function fromLibrary(error) {
  const stack = typeof error?.stack === "string" ? error.stack : "";
  return stack.includes(srcDir + path.sep) || stack.includes(outDir + path.sep);
}

/**
 * An error as a notebook should show it: `Name: message` first, then the stack lines, with paths
 * relative to the project (src/..., mapped from the build by the source maps), the notebook cell's
 * frames as "at the notebook cell", and the kernel's own frames (tslab, node:vm, whatever called
 * the cell) left out.
 */
function formatError(error) {
  const header = `${error.name || "Error"}: ${error.message}`;
  const lines = String(error.stack || "").split("\n");
  const frames = [];
  for (const line of lines) {
    if (!/^\s+at /.test(line)) continue;
    if (CELL_FRAME.test(line)) {
      if (frames[frames.length - 1] !== "    at the notebook cell") frames.push("    at the notebook cell");
      continue;
    }
    if (INTERNAL_FRAME.test(line)) continue;
    frames.push("    " + line.trim().split(root + path.sep).join(""));
  }
  // What called the cell is the kernel, not the user's code.
  const lastCell = frames.lastIndexOf("    at the notebook cell");
  if (lastCell >= 0) frames.length = lastCell + 1;
  let text = [header, ...frames].join("\n");
  if (error.cause !== undefined) text += `\n[cause]: ${error.cause instanceof Error && fromLibrary(error.cause) ? formatError(error.cause) : util.inspect(error.cause)}`;
  return text;
}

let errorDisplayInstalled = false;

/** Show errors that pass through the library with `formatError` wherever Node inspects them (tslab's console.error). */
function installErrorDisplay() {
  if (errorDisplayInstalled) return;
  errorDisplayInstalled = true;
  const custom = util.inspect.custom;
  const previous = Object.getOwnPropertyDescriptor(Error.prototype, custom);
  Object.defineProperty(Error.prototype, custom, {
    configurable: true,
    writable: true,
    value: function (depth, options, inspect) {
      if (fromLibrary(this)) return formatError(this);
      if (previous && typeof previous.value === "function") return previous.value.call(this, depth, options, inspect);
      return (inspect || util.inspect)(this, { ...options, customInspect: false });
    },
  });
}

/** The library as one object whose members always come from the latest build. */
function load() {
  // Stack lines through the build point at src/ (the build's source maps); only files loaded from
  // now on are mapped, so before the first require of dist/lib.
  if (typeof process.setSourceMapsEnabled === "function") process.setSourceMapsEnabled(true);
  if (globalThis.__tslab__ !== undefined) installErrorDisplay();
  fresh();
  return new Proxy(
    {},
    {
      get: (_, key) => fresh()[key],
      has: (_, key) => key in fresh(),
      ownKeys: () => Reflect.ownKeys(fresh()),
      getOwnPropertyDescriptor: (_, key) => {
        const d = Reflect.getOwnPropertyDescriptor(fresh(), key);
        return d ? { ...d, configurable: true } : undefined;
      },
    },
  );
}

module.exports = { load, build, isStale, formatError, installErrorDisplay };

if (require.main === module) {
  try {
    if (isStale() || process.argv.includes("--force")) build({ quiet: true });
    console.log("policy-gradient-lab: dist/lib is up to date with src/");
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
