/**
 * The policy-gradient lab, for notebooks: `import { pg } from "./pglab";`
 *
 * `pg` is the library's public API (src/index.ts), compiled to dist/lib by `npm install` and rebuilt
 * automatically when a file in src/ changes (see tools/lib-loader.js).
 */
import type * as Lib from "../dist/lib/index";
// Types of TF.js' chained ops (x.square().sum()), registered at run time by the library.
import type {} from "@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops";

// The library's types, for annotations: `import { pg, type Rng } from "./pglab";`
export type * from "../dist/lib/index";

// eslint-disable-next-line @typescript-eslint/no-var-requires
export const pg: typeof Lib = require("../tools/lib-loader.js").load();
