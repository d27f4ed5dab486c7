// Where the CPU goes during a bench: CPU seconds per process tree, read from /proc (Linux).
// A tree is a process plus its live descendants (PostgreSQL runs a process per connection).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

interface ProcStat {
  ppid: number;
  seconds: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces; the fields after it start past the last ")".
    const fields = raw.slice(raw.lastIndexOf(")") + 2).split(" ");
    const ppid = Number(fields[1]);
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
    return { ppid, seconds: ticks / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

function allStats(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (stat) stats.set(pid, stat);
  }
  return stats;
}

/** CPU seconds of each named tree right now (a tree stops at descendants that are roots themselves). */
export function snapshot(roots: Record<string, number>): Record<string, number> {
  const stats = allStats();
  const rootPids = new Set(Object.values(roots));
  const children = new Map<number, number[]>();
  for (const [pid, stat] of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  const treeSeconds = (root: number): number => {
    let total = stats.get(root)?.seconds ?? 0;
    for (const child of children.get(root) ?? []) if (!rootPids.has(child)) total += treeSeconds(child);
    return total;
  };
  return Object.fromEntries(Object.entries(roots).map(([name, pid]) => [name, treeSeconds(pid)]));
}

/** The backing services started by scripts/services (their pid files), by name. */
export function servicePids(): Record<string, number> {
  const runDir = join(
    process.env.DOCMESH_CACHE ?? join(process.env.HOME ?? "/root", ".cache/docmesh"),
    "run",
  );
  const pids: Record<string, number> = {};
  for (const name of ["postgres", "kafka", "apicurio", "minio", "opensearch"]) {
    const file = join(runDir, `${name}.pid`);
    if (!existsSync(file)) continue;
    // scripts/services writes "<pid> <start time>".
    const pid = Number(readFileSync(file, "utf8").trim().split(/\s+/)[0]);
    if (Number.isInteger(pid) && existsSync(`/proc/${pid}`)) pids[name] = pid;
  }
  return pids;
}

/**
 * Prints CPU seconds per tree between two snapshots, per document and as a share of the total;
 * returns the total CPU seconds.
 */
export function printCpu(
  before: Record<string, number>,
  after: Record<string, number>,
  documents: number,
  wallSeconds: number,
): number {
  const rows = Object.keys(after)
    .map((name) => ({ name, seconds: (after[name] ?? 0) - (before[name] ?? 0) }))
    .sort((a, b) => b.seconds - a.seconds);
  const total = rows.reduce((sum, row) => sum + row.seconds, 0);
  console.log(
    `  CPU over the timed phase: ${total.toFixed(1)} s in ${wallSeconds.toFixed(1)} s wall (${(total / wallSeconds).toFixed(2)} cores busy)`,
  );
  for (const row of rows)
    console.log(
      `    ${row.name.padEnd(22)} ${row.seconds.toFixed(1).padStart(6)} s  ${((row.seconds / documents) * 1000).toFixed(1).padStart(6)} ms/doc  ${((row.seconds / total) * 100).toFixed(0).padStart(3)}%`,
    );
  return total;
}

/** A live process's peak resident set (VmHWM) in MiB, or undefined once it has gone. */
export function peakRssMiB(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
