/**
 * The package's ES module entry: `import { pg } from "policy-gradient-lab"` in a .mjs or .mts file
 * (top-level await works there). The same `pg` as the CommonJS entry, which it loads.
 */
import { createRequire } from "node:module";

export const { pg } = createRequire(import.meta.url)("./index.cjs");
