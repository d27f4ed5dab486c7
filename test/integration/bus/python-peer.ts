// Runs confluent_interop.py (the Python confluent-kafka ProtobufDeserializer) on a topic and returns
// one parsed line per record. The venv and the Python classes come from scripts/python-interop.sh.
import { execFile } from "node:child_process";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const CACHE = process.env.DOCMESH_CACHE ?? join(homedir(), ".cache", "docmesh");
const REPO = join(import.meta.dirname, "../../..");

export interface PythonRecord {
  key: string;
  partition: number;
  offset: number;
  headers: Record<string, string>;
  plain: Record<string, unknown>;
  registry: unknown;
}

export interface PythonRead {
  brokers: string[];
  topic: string;
  count: number;
  registryUrl: string;
  /** Start at the first record written at or after this time (default: the topic's beginning). */
  sinceMs?: number;
  /** Report only records with these keys. */
  keys?: string[];
}

export async function readWithPython(read: PythonRead): Promise<PythonRecord[]> {
  await run("bash", [join(REPO, "scripts/python-interop.sh")], { cwd: REPO, timeout: 600_000 });
  const args = [
    join(import.meta.dirname, "confluent_interop.py"),
    join(CACHE, "py", "gen"),
    read.brokers.join(","),
    read.topic,
    String(read.count),
    read.registryUrl,
  ];
  if (read.sinceMs !== undefined) args.push(String(read.sinceMs), (read.keys ?? []).join(","));
  const { stdout } = await run(join(CACHE, "py", "bin", "python"), args, { timeout: 120_000 });
  return stdout
    .trim()
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as PythonRecord);
}
