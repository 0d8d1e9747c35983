/**
 * The grader's process isolation, with nothing but Node.js and Linux's /proc: the permission flags an
 * exercise process runs under, the memory it really uses, and the processes that carry its marker.
 * Used by `npm run grade` (scripts/grade.ts); not part of the notebooks' `pg`.
 */
import * as fs from "fs";
import * as path from "path";

/** Node's permission-model flag: `--permission` from 22.13 and 23.5, `--experimental-permission` before. */
export function permissionFlag(version = process.versions.node): string {
  const [major, minor] = version.split(".").map(Number);
  const stable = major > 23 || (major === 23 && minor >= 5) || (major === 22 && minor >= 13);
  return stable ? "--permission" : "--experimental-permission";
}

/**
 * Node's options for an exercise process: the permission model with reads of `reads` (the library and
 * the packages it loads) and of the scratch folder, writes in the scratch folder only; no child
 * processes, workers, addons or WASI (the model denies what is not allowed); V8's heap capped at
 * `memoryMB` (the rest of the memory is watched from outside: `residentMB`).
 */
export function exerciseFlags(o: { reads: string[]; scratch: string; memoryMB: number; version?: string }): string[] {
  for (const p of [...o.reads, o.scratch]) {
    // Node 20 reads a comma as a separator between paths
    if (p.includes(",")) throw new Error(`grading: the path ${JSON.stringify(p)} holds a comma, which Node's --allow-fs-read cannot take; move the project or the temporary folder (TMPDIR).`);
  }
  const dir = (p: string) => (p.endsWith(path.sep) ? p : p + path.sep);
  return [
    permissionFlag(o.version),
    ...o.reads.map((p) => `--allow-fs-read=${fs.statSync(p).isDirectory() ? dir(p) : p}`),
    `--allow-fs-read=${dir(o.scratch)}`,
    `--allow-fs-write=${dir(o.scratch)}`,
    "--disable-warning=ExperimentalWarning",
    `--max-old-space-size=${o.memoryMB}`,
  ];
}

/** The resident memory of process `pid` in MB (all of it: heap, Buffers, WebAssembly), or undefined if it is gone. */
export function residentMB(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The processes (other than this one) whose environment holds `marker` (NAME=VALUE) or whose working
 * folder is inside `folder`: what an exercise process started, wherever it went (its own session, a new
 * parent). Each is sent SIGKILL; the list says who was found. Empty where there is no /proc.
 */
export function killSurvivors(marker: string, folder: string): number[] {
  let pids: number[];
  try {
    pids = fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number);
  } catch {
    return [];
  }
  const inside = folder.endsWith(path.sep) ? folder : folder + path.sep;
  const found: number[] = [];
  for (const pid of pids) {
    if (pid === process.pid) continue;
    let hit = false;
    try {
      hit = fs.readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes(marker);
    } catch {
      // gone, or not ours to read
    }
    try {
      hit ||= (fs.readlinkSync(`/proc/${pid}/cwd`) + path.sep).startsWith(inside);
    } catch {
      // gone, or not ours to read
    }
    if (!hit) continue;
    found.push(pid);
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  return found;
}
