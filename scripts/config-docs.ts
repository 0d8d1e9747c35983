/**
 * The algorithms' config fields with their doc comments, read from the sources by the TypeScript
 * compiler (so `--help` and an editor's hover show the same text, and a new field documents itself):
 * the interface `AlgorithmConfigs` in src/algorithms/registry.ts names each algorithm's config type;
 * the checker follows it wherever it is declared (imports, `extends`, intersections). Defaults come
 * from `resolveConfig(name, {})`, the code that applies them.
 */
import * as path from "path";
import * as ts from "typescript";
import { NAMED_FIELDS } from "../src/algorithms/builtins";

export interface FieldDoc {
  name: string;
  /** The field's type as TypeScript prints it, e.g. `"nstep" | "td" | "gae"`. */
  type: string;
  /** The doc comment on one line ("" if the field has none). */
  doc: string;
}

export interface ConfigDoc {
  algorithm: string;
  /** The config type's name, e.g. "A2CConfig", and the file that declares it (relative to the root). */
  typeName: string;
  file: string;
  fields: FieldDoc[];
}

const ROOT = path.resolve(__dirname, "..");

/**
 * The fields of every algorithm's config. `registryFile` declares `interface <mapName> { name: Config }`;
 * only relative imports are followed (library types from node_modules are not needed for the docs).
 */
export function configDocs(registryFile = path.join(ROOT, "src", "algorithms", "registry.ts"), mapName = "AlgorithmConfigs"): ConfigDoc[] {
  const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, lib: ["lib.es5.d.ts"], types: [], skipLibCheck: true, noEmit: true };
  const host = ts.createCompilerHost(options);
  host.resolveModuleNames = (names, containing) =>
    names.map((name) => {
      if (!name.startsWith(".")) return undefined;
      const base = path.resolve(path.dirname(containing), name);
      const file = [`${base}.ts`, path.join(base, "index.ts")].find((f) => ts.sys.fileExists(f));
      return file ? { resolvedFileName: file, extension: ts.Extension.Ts, isExternalLibraryImport: false } : undefined;
    });
  const program = ts.createProgram([registryFile], options, host);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(registryFile);
  if (!source) throw new Error(`config docs: cannot read ${registryFile}.`);
  const map = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === mapName);
  if (!map) throw new Error(`config docs: ${path.relative(ROOT, registryFile)} declares no interface ${mapName} (the algorithms' config types by name).`);
  const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();
  return checker.getPropertiesOfType(checker.getTypeAtLocation(map)).map((algo) => {
    const configType = checker.getTypeOfSymbolAtLocation(algo, map);
    const decl = configType.getSymbol()?.declarations?.[0];
    return {
      algorithm: algo.name,
      typeName: checker.typeToString(configType),
      file: decl ? path.relative(ROOT, decl.getSourceFile().fileName).split(path.sep).join("/") : "?",
      fields: checker.getPropertiesOfType(configType).map((field) => ({
        name: field.name,
        type: checker.typeToString(checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(field, map)), undefined, ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.InTypeAlias),
        doc: oneLine(ts.displayPartsToString(field.getDocumentationComment(checker))),
      })),
    };
  });
}

/** A default as the user would type it after `--set KEY=` ("-" when there is none). */
export function formatDefault(value: unknown): string {
  if (value === undefined || value === null) return "-";
  if (typeof value === "function") return "function";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 18 ? `${text.slice(0, 17)}…` : text;
}

function wrap(text: string, width: number, indent: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width - indent) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * One algorithm's fields as a table: name, default, doc (wrapped at `width`). Literal unions show
 * their options in front of the doc; a field without a doc comment shows its type; a field that takes
 * built-in names lists them from the library's table (src/algorithms/builtins.ts); `notes` adds a
 * remark in brackets after a field's doc (e.g. which command-line option sets it).
 */
export function formatConfigHelp(doc: ConfigDoc, defaults: Record<string, unknown>, width = 100, notes: Record<string, string> = {}): string {
  const names = [...doc.fields.map((f) => f.name), ...Object.keys(defaults).filter((k) => !doc.fields.some((f) => f.name === k))];
  const rows = names.map((name) => {
    const field = doc.fields.find((f) => f.name === name);
    const type = (field?.type ?? typeof defaults[name]).replace(/^\{.*\}$/, "object");
    const literalUnion = /^"[^"]*"( \| ("[^"]*"|number|string|boolean))+$/.test(type) || /^(number|string) \| "[^"]*"/.test(type);
    const builtIn = (NAMED_FIELDS as Record<string, Record<string, readonly string[]> | undefined>)[doc.algorithm]?.[name];
    const names = builtIn ? `[built-in names: ${builtIn.map((n) => JSON.stringify(n)).join(", ")}]` : "";
    const text = [literalUnion || !field?.doc ? `(${type})` : "", field?.doc ?? "", names, notes[name] ? `[${notes[name]}]` : ""].filter(Boolean).join(" ");
    return { name, def: formatDefault(defaults[name]), text };
  });
  const nameW = Math.max(...rows.map((r) => r.name.length));
  const defW = Math.max(7, ...rows.map((r) => r.def.length));
  const indent = 2 + nameW + 2 + defW + 2;
  const out = [`${doc.algorithm} (${doc.typeName}, ${doc.file})`, `  ${"field".padEnd(nameW)}  ${"default".padEnd(defW)}  doc`];
  for (const r of rows) {
    const [first, ...rest] = wrap(r.text, width, indent);
    out.push(`  ${r.name.padEnd(nameW)}  ${r.def.padEnd(defW)}  ${first ?? ""}`.trimEnd());
    for (const l of rest) out.push(`${" ".repeat(indent)}${l}`);
  }
  return out.join("\n");
}
