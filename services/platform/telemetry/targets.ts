// Prometheus file service discovery: a process that serves /metrics writes its address to
// <dir>/<service>-<pid>.json and removes it on shutdown, so Prometheus finds every process
// without a hand-kept list (scripts/services/prometheus.sh points Prometheus at the directory).
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

export async function registerMetricsTarget(
  dir: string,
  service: string,
  address: { host: string; port: number },
): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${service}-${process.pid}.json`);
  const body = [
    { targets: [`${address.host}:${address.port}`], labels: { service, instance_pid: String(process.pid) } },
  ];
  // Prometheus may read the directory at any time: write a whole file, then rename it in.
  await writeFile(`${file}.tmp`, JSON.stringify(body));
  await rename(`${file}.tmp`, file);
  return () => rm(file, { force: true });
}
