/**
 * Command-line words shared by `npm run train` and `npm run plot`: Node's `util.parseArgs` with its
 * errors turned into sentences (an unknown option gets "did you mean", a missing value an example,
 * a stray word the reminder that npm needs `--` before the options).
 */
import { type ParseArgsConfig, parseArgs } from "util";
import { closest } from "../src/algorithms/config";

/** A mistake in the command line: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {}

/** " (did you mean X?)" when a valid word is close to `value`, else "". */
export function didYouMean(value: string, valid: readonly string[], prefix = ""): string {
  const near = closest(value, valid);
  return near ? ` (did you mean ${prefix}${near}?)` : "";
}

/**
 * `parseArgs(config)` (strict) for `npm run <command>`. `unknownHint(name)` may
 * explain an unknown option that no valid one is close to (e.g. a config field set otherwise).
 */
export function parseOptions<T extends ParseArgsConfig & { strict: true; options: NonNullable<ParseArgsConfig["options"]> }>(
  config: T,
  command: string,
  unknownHint: (name: string) => string | undefined = () => undefined,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    const err = e as Error & { code?: string };
    const names = Object.keys(config.options);
    const quoted = /'([^']+)'/.exec(err.message)?.[1] ?? "?";
    if (err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const name = quoted.replace(/^-+/, "").split("=")[0];
      const near = didYouMean(name, names, "--");
      const hint = near ? undefined : unknownHint(name);
      throw new UsageError(hint ? `unknown option ${quoted}: ${hint}` : `unknown option ${quoted}${near}. Options: ${names.map((n) => `--${n}`).join(", ")}.`);
    }
    if (err.code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
      throw new UsageError(`unexpected argument ${JSON.stringify(quoted)}: options start with -- and take their value after a space. With npm, put -- before the options: npm run ${command} -- --help.`);
    }
    if (err.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      const opt = /'(--?[\w-]+)/.exec(err.message)?.[1] ?? "";
      throw new UsageError(config.options[opt.replace(/^-+/, "")]?.type === "boolean" ? `${opt} takes no value.` : `${opt} needs a value, e.g. ${opt} VALUE.`);
    }
    throw new UsageError(err.message);
  }
}
