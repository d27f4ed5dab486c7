// Reading metrics the way Prometheus does: the text exposition format of one process, and
// instant queries against the Prometheus HTTP API.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export async function scrape(url: string): Promise<Sample[]> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const samples: Sample[] = [];
  for (const line of (await response.text()).split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[pair[1] as string] = (pair[2] as string).replace(/\\(.)/g, "$1");
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the one series `name` whose labels include `labels`; undefined when there is none. */
export function seriesValue(
  samples: Sample[],
  name: string,
  labels: Record<string, string>,
): number | undefined {
  const found = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} series`);
  return found[0]?.value;
}

/** An instant query, repeated (up to 30 s) until `ready` accepts the result. */
export async function promQuery(
  prometheus: string,
  query: string,
  ready: (result: Omit<Sample, "name">[]) => boolean,
): Promise<Omit<Sample, "name">[]> {
  const deadline = Date.now() + 30_000;
  let result: Omit<Sample, "name">[] = [];
  while (Date.now() < deadline) {
    const response = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(query)}`);
    const body = (await response.json()) as {
      status: string;
      error?: string;
      data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    if (body.status !== "success") throw new Error(`${query}: ${body.error}`);
    result = (body.data?.result ?? []).map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
    if (ready(result)) return result;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`${query}: not as expected after 30 s: ${JSON.stringify(result)}`);
}
