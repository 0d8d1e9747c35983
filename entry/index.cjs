/**
 * The package's CommonJS entry: `const { pg } = require("policy-gradient-lab")` (and what
 * `import { pg } from "policy-gradient-lab"` compiles to in a .ts or .js file that is not an ES module).
 *
 * `pg` is the library's public API (src/index.ts) compiled to dist/lib, the same object notebooks get
 * from notebooks/pglab.ts: it is rebuilt from src/ when a file there has changed.
 */
"use strict";
exports.pg = require("../tools/lib-loader.js").load();
