/**
 * Loads the compiled library (dist/lib) for notebooks, rebuilding it first when src/ has changed.
 *
 * Why compiled: tslab type-checks every TypeScript file a notebook imports, which for the whole of
 * src/ costs seconds at every kernel start; declarations (dist/lib/*.d.ts) are read, not checked,
 * so the import cell takes about a second. Why a proxy: `pg` stays the same object while the code
 * behind it is reloaded, so an edit in src/ takes effect the next time `pg` is used (at most one
 * check of src/'s modification times per second), including when the import cell is re-run.
 */
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

// PGLAB_ROOT points the loader at another copy of the project (used by its test).
const root = process.env.PGLAB_ROOT ? path.resolve(process.env.PGLAB_ROOT) : path.resolve(__dirname, "..");
const srcDir = path.join(root, "src");
const outDir = path.join(root, "dist", "lib");
const stampFile = path.join(outDir, ".built");

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

function isStale() {
  return !fs.existsSync(path.join(outDir, "index.js")) || newestSource() > builtAt();
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

/** The library as one object whose members always come from the latest build. */
function load() {
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

module.exports = { load, build, isStale };

if (require.main === module) {
  try {
    if (isStale() || process.argv.includes("--force")) build({ quiet: true });
    console.log("policy-gradient-lab: dist/lib is up to date with src/");
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
