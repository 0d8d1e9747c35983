/**
 * Headless Chromium for the book checks: $PGLAB_CHROMIUM, else `chromium`, `chromium-browser` or
 * `google-chrome` on PATH, started with the flags that work offline and as root (a fresh profile,
 * no background networking), and asked for the page's DOM after its scripts ran.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export function findChromium(): string {
  const candidates = [process.env.PGLAB_CHROMIUM, "chromium", "chromium-browser", "google-chrome"].filter(Boolean) as string[];
  for (const c of candidates) if (spawnSync(c, ["--version"], { stdio: "ignore" }).status === 0) return c;
  throw new Error(`No Chromium found (tried ${candidates.join(", ")}). Install Debian's "chromium" or set PGLAB_CHROMIUM.`);
}

function chromiumArgs(profile: string, virtualTimeMs: number, extra: string[]): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    `--user-data-dir=${profile}`,
    `--virtual-time-budget=${virtualTimeMs}`,
    ...extra,
  ];
}

/**
 * The DOM of `file` after its scripts ran. Virtual time lets timers (plotly's, MathJax's, a
 * harness's polling) run without waiting for the wall clock; `virtualTimeMs` bounds it.
 */
export function renderedDom(chromium: string, file: string, options: { virtualTimeMs?: number; windowSize?: string } = {}): string {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-chromium-"));
  try {
    const extra = [...(options.windowSize ? [`--window-size=${options.windowSize}`] : []), "--dump-dom", `file://${file}`];
    const r = spawnSync(chromium, chromiumArgs(profile, options.virtualTimeMs ?? 30000, extra), {
      encoding: "utf8",
      maxBuffer: 512 * 1024 * 1024,
      timeout: 240_000,
    });
    assert.equal(r.status, 0, `chromium failed on ${file}: ${r.stderr?.slice(-500)}`);
    return r.stdout;
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/** The same, without blocking: several pages render at once (one Chromium process each). */
export function renderedDomAsync(chromium: string, file: string, options: { virtualTimeMs?: number; windowSize?: string } = {}): Promise<string> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-chromium-"));
  const extra = [...(options.windowSize ? [`--window-size=${options.windowSize}`] : []), "--dump-dom", `file://${file}`];
  return new Promise<string>((resolve, reject) => {
    const child = spawn(chromium, chromiumArgs(profile, options.virtualTimeMs ?? 30000, extra), { stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 240_000);
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => (err = (err + b.toString()).slice(-2000)));
    child.on("close", (code) => {
      clearTimeout(timer);
      fs.rmSync(profile, { recursive: true, force: true });
      if (code === 0) resolve(Buffer.concat(out).toString("utf8"));
      else reject(new Error(`chromium failed on ${file} (exit ${code}): ${err.slice(-500)}`));
    });
  });
}
