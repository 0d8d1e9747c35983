#!/usr/bin/env node
/**
 * Bundles test/book/jupyterlab/harness.ts (JupyterLab's own rendermime, output area and MathJax
 * typesetter, from the devDependencies) for the browser with esbuild, into an output folder
 * (default dist/jupyterlab-harness/): harness.js, harness.css and the MathJax fonts it refers to.
 * The JupyterLab check (test/book/jupyterlab.check.ts) runs it before every check, so the bundle
 * always matches the installed packages; it is not committed. About 2 s.
 *
 *   node tools/jupyterlab-harness.js [OUTDIR]
 */
const path = require("path");

const ROOT = path.resolve(__dirname, "..");

/** webpack-style `~package/file` URLs in JupyterLab's CSS, resolved in node_modules. */
const tildePlugin = {
  name: "tilde",
  setup(build) {
    build.onResolve({ filter: /^~/ }, (args) => ({ path: require.resolve(args.path.slice(1), { paths: [ROOT] }) }));
  },
};

async function buildHarness(outdir = path.join(ROOT, "dist", "jupyterlab-harness")) {
  const esbuild = require("esbuild");
  await esbuild.build({
    entryPoints: { harness: path.join(ROOT, "test", "book", "jupyterlab", "harness.ts") },
    outdir,
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2020",
    minify: true,
    legalComments: "none",
    logLevel: "warning",
    loader: { ".woff": "file", ".woff2": "file", ".svg": "dataurl", ".png": "dataurl" },
    define: { "process.env.NODE_ENV": '"production"', global: "globalThis" },
    plugins: [tildePlugin],
  });
  return { js: path.join(outdir, "harness.js"), css: path.join(outdir, "harness.css") };
}

module.exports = { buildHarness };

if (require.main === module) {
  buildHarness(process.argv[2] && path.resolve(process.argv[2])).then(
    (r) => console.log(`JupyterLab harness written to ${path.relative(process.cwd(), path.dirname(r.js))}/`),
    (e) => {
      console.error(e.message ?? e);
      process.exit(1);
    },
  );
}
