/**
 * The command-line convention every `npm run` command follows (train, plot, evaluate, deeprm, grade,
 * assignments, book, cartpole-solve):
 *
 * - its options are one table (`OptionTable`): name, value placeholder, what it does, its default;
 *   `--help` is written from that table (`helpText`), lists every option with its default, and exits 0;
 * - Node's `util.parseArgs` reads the command line, its errors turned into sentences: an unknown
 *   option or sub-command gets "did you mean", a missing value an example, a stray word the reminder
 *   that npm needs `--` before the options (`parseOptions`, `subcommand`);
 * - a mistake in the command line (a `UsageError`) prints `<command>: <message>` and
 *   `See npm run <command> -- --help.` and exits 2; any other failure exits 1;
 * - the examples in `--help` are real command lines: test/scripts/cli.test.ts parses every one.
 */
import { type ParseArgsConfig, parseArgs } from "util";
import { closest } from "../src/algorithms/config";

/** A mistake in the command line: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {}

/** One option of a command. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** The value's placeholder in --help (string options), e.g. "N" or "FILE". */
  value?: string;
  /** What the option does (--help wraps it). */
  help: string;
  /** The default as --help shows it; string options without one are required or say what applies. Flags are off by default. */
  defaultText?: string;
}

export type OptionTable = Record<string, OptionSpec>;

/** " (did you mean X?)" when a valid word is close to `value`, else "". */
export function didYouMean(value: string, valid: readonly string[], prefix = ""): string {
  const near = closest(value, valid);
  return near ? ` (did you mean ${prefix}${near}?)` : "";
}

/** `text` in lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(/ +/)) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(line);
  }
  return lines;
}

/** The options as --help lists them: `--name VALUE   what it does (default: X)`, wrapped at `width`. */
export function optionsHelp(table: OptionTable, width = 100): string {
  const heads = Object.entries(table).map(([name, o]) => `${o.short ? `-${o.short}, ` : ""}--${name}${o.value ? ` ${o.value}` : ""}`);
  const indent = Math.min(2 + Math.max(...heads.map((h) => h.length)) + 2, 28);
  const lines: string[] = [];
  Object.values(table).forEach((o, i) => {
    const text = o.defaultText !== undefined ? `${o.help} (default: ${o.defaultText})` : o.help;
    const [first, ...rest] = wrap(text, width - indent);
    const head = `  ${heads[i]}`;
    if (head.length + 2 <= indent) lines.push(`${head.padEnd(indent)}${first}`);
    else lines.push(head, `${" ".repeat(indent)}${first}`);
    for (const l of rest) lines.push(`${" ".repeat(indent)}${l}`);
  });
  return lines.join("\n");
}

/** A command's --help: usage line, what it does, its options, further sections, examples. */
export function helpText(parts: { usage: string; about: string; options: OptionTable; optionsTitle?: string; sections?: string[]; examples: string[] }): string {
  const title = parts.optionsTitle ?? "Options";
  const blocks = [`Usage: ${parts.usage}`, parts.about.trim(), `${title} (flags are off unless given):\n${optionsHelp(parts.options)}`, ...(parts.sections ?? []).map((s) => s.trim())];
  blocks.push(`Examples:\n${parts.examples.map((e) => `  ${e}`).join("\n")}`);
  return blocks.join("\n\n") + "\n";
}

/** The examples of a --help text (the lines under "Examples:"), for the test that runs them. */
export function examplesOf(help: string): string[] {
  const section = help.split("\nExamples:\n")[1] ?? "";
  return section
    .split("\n")
    .filter((l) => l.startsWith("  npm run "))
    .map((l) => l.trim());
}

/** Node's parseArgs options from a table (the help fields are ours). */
function parseArgsOptions(table: NonNullable<ParseArgsConfig["options"]>): NonNullable<ParseArgsConfig["options"]> {
  return Object.fromEntries(
    Object.entries(table).map(([name, o]) => [name, { type: o.type, ...(o.short !== undefined ? { short: o.short } : {}), ...(o.multiple !== undefined ? { multiple: o.multiple } : {}) }]),
  );
}

/**
 * `parseArgs(config)` (strict) for `npm run <command>`, `config.options` an option table.
 * `unknownHint(name)` may explain an unknown option that no valid one is close to (e.g. a config
 * field set otherwise).
 */
export function parseOptions<T extends ParseArgsConfig & { strict: true; options: NonNullable<ParseArgsConfig["options"]> }>(
  config: T,
  command: string,
  unknownHint: (name: string) => string | undefined = () => undefined,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs({ ...config, options: parseArgsOptions(config.options) }) as ReturnType<typeof parseArgs<T>>;
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

/** The sub-command `word` names, checked against `valid` (an unknown one gets "did you mean"). */
export function subcommand<T extends string>(word: string, valid: readonly T[], command: string): T {
  if (valid.includes(word as T)) return word as T;
  const hint = word.startsWith("-") ? ` (a sub-command comes first: npm run ${command} -- ${valid[0]} ${word})` : didYouMean(word, valid);
  throw new UsageError(`unknown command ${JSON.stringify(word)}${hint}; available: ${valid.join(", ")}.`);
}
