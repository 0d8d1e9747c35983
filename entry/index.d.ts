/** Types of the package entry: `pg` is the library's public API (src/index.ts); its types are importable by name. */
import type * as Lib from "../dist/lib/index.js";
// Types of TF.js' chained ops (x.square().sum()), registered at run time by the library.
import type {} from "@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops";

export type * from "../dist/lib/index.js";
export declare const pg: typeof Lib;
