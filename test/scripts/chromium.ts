/**
 * Headless Chromium for tests that check a page as a browser draws it: $PGLAB_CHROMIUM, else
 * `chromium`, `chromium-browser` or `google-chrome` on PATH, started with the flags that keep it off
 * the network (this machine has none) and with a fresh profile.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The Chromium command, or null if none is installed. */
export function findChromium(): string | null {
  const candidates = [process.env.PGLAB_CHROMIUM, "chromium", "chromium-browser", "google-chrome"].filter(Boolean) as string[];
  return candidates.find((c) => spawnSync(c, ["--version"], { stdio: "ignore" }).status === 0) ?? null;
}

/** The page's DOM after its scripts ran (virtual time lets plotly finish). */
export function renderedDom(chromium: string, file: string): string {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "pglab-chromium-"));
  try {
    const r = spawnSync(
      chromium,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        `--user-data-dir=${profile}`,
        "--virtual-time-budget=20000",
        "--dump-dom",
        `file://${file}`,
      ],
      { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: 120_000 },
    );
    if (r.status !== 0) throw new Error(`chromium failed on ${file}: ${r.stderr?.slice(-500)}`);
    return r.stdout;
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}
