// docker-compose.yml cannot run on machines without Docker, so this test keeps it in step with the
// scripts that run the same services without it (scripts/services/, defaults in ports.env):
// service names, published ports and the environment variable names the Docmesh processes read.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SERVICE_ROLES } from "../../services/runtime.ts";

const root = join(import.meta.dirname, "..", "..");
const servicesDir = join(root, "scripts", "services");

// ---------------------------------------------------------------------------------------------
// A deliberately small YAML reader for the block subset docker-compose.yml is written in:
// block mappings and sequences, plain and quoted scalars, one-line flow sequences, comments.
// Everything else (anchors, aliases, merge keys, flow mappings, block scalars) is rejected, so an
// edit outside the subset fails here instead of being misread. Scalars stay strings.
// ---------------------------------------------------------------------------------------------
type Yaml = string | null | Yaml[] | { [key: string]: Yaml };
interface Line {
  no: number;
  indent: number;
  text: string;
}

function stripComment(raw: string): string {
  let quote: string | null = null;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === "#" && (i === 0 || /\s/.test(raw[i - 1] ?? ""))) {
      return raw.slice(0, i);
    }
  }
  return raw;
}

function scalar(text: string, no: number): Yaml {
  const t = text.trim();
  if (/^[&*!|>{]/.test(t) || t.startsWith("<<"))
    throw new Error(`line ${no}: YAML outside the supported subset: ${t}`);
  if (t.startsWith("[")) {
    if (!t.endsWith("]")) throw new Error(`line ${no}: multi-line flow sequence`);
    const items: string[] = [];
    let cur = "";
    let quote: string | null = null;
    for (const c of t.slice(1, -1)) {
      if (quote) {
        if (c === quote) quote = null;
        cur += c;
      } else if (c === '"' || c === "'") {
        quote = c;
        cur += c;
      } else if (c === ",") {
        items.push(cur);
        cur = "";
      } else {
        cur += c;
      }
    }
    if (cur.trim()) items.push(cur);
    return items.map((s) => scalar(s, no));
  }
  if (t.startsWith('"')) return JSON.parse(t) as string;
  if (t.startsWith("'")) return t.slice(1, -1).replaceAll("''", "'");
  if (t === "" || t === "~" || t === "null") return null;
  return t;
}

const KEY = /^("[^"]*"|'[^']*'|[^\s"'#][^:]*?):(?:\s+(.*))?$/;

function parseYaml(source: string): Yaml {
  const lines: Line[] = [];
  source.split("\n").forEach((raw, i) => {
    if (raw.includes("\t")) throw new Error(`line ${i + 1}: tab`);
    const text = stripComment(raw).trimEnd();
    if (text.trim() === "" || text.trim() === "---") return;
    lines.push({ no: i + 1, indent: text.length - text.trimStart().length, text: text.trim() });
  });
  let pos = 0;
  const isItem = (l: Line) => l.text === "-" || l.text.startsWith("- ");

  function block(indent: number): Yaml {
    const l = lines[pos];
    if (!l || l.indent < indent) return null;
    return isItem(l) ? seq(l.indent) : map(l.indent);
  }
  function map(indent: number): Yaml {
    const out: { [key: string]: Yaml } = {};
    while (pos < lines.length) {
      const l = lines[pos] as Line;
      if (l.indent < indent) break;
      if (l.indent > indent || isItem(l)) throw new Error(`line ${l.no}: unexpected indentation`);
      const m = KEY.exec(l.text);
      if (!m) throw new Error(`line ${l.no}: expected "key: value", got ${l.text}`);
      const key = scalar(m[1] as string, l.no) as string;
      if (key in out) throw new Error(`line ${l.no}: duplicate key ${key}`);
      pos++;
      const rest = m[2];
      if (rest !== undefined && rest !== "") {
        out[key] = scalar(rest, l.no);
      } else {
        const next = lines[pos];
        if (next && next.indent > indent) out[key] = block(next.indent);
        else if (next && next.indent === indent && isItem(next)) out[key] = seq(indent);
        else out[key] = null;
      }
    }
    return out;
  }
  function seq(indent: number): Yaml {
    const out: Yaml[] = [];
    while (pos < lines.length) {
      const l = lines[pos] as Line;
      if (l.indent !== indent || !isItem(l)) break;
      const rest = l.text.slice(1).trim();
      if (rest === "") {
        pos++;
        out.push(block(indent + 1));
      } else if (KEY.test(rest) && !/^["'[]/.test(rest)) {
        // "- key: value" opens a mapping whose keys sit two columns in.
        lines[pos] = { no: l.no, indent: indent + 2, text: rest };
        out.push(map(indent + 2));
      } else {
        pos++;
        out.push(scalar(rest, l.no));
      }
    }
    return out;
  }
  const doc = block(0);
  if (pos < lines.length) throw new Error(`line ${lines[pos]?.no}: could not parse`);
  return doc;
}

// ---------------------------------------------------------------------------------------------

type Service = {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  profiles?: string[];
};
const compose = parseYaml(readFileSync(join(root, "docker-compose.yml"), "utf8")) as {
  services: Record<string, Service>;
};
const services = compose.services;

const defaults: Record<string, string> = Object.fromEntries(
  readFileSync(join(servicesDir, "ports.env"), "utf8")
    .split("\n")
    .filter((l) => l.trim() && !l.startsWith("#"))
    .map((l) => l.split("=", 2) as [string, string]),
);
const port = (name: string): string => {
  const v = defaults[name];
  if (!v) throw new Error(`ports.env has no ${name}`);
  return v;
};

// The names services.sh knows, and the variables its per-service scripts write to services.env.
const servicesSh = readFileSync(join(servicesDir, "services.sh"), "utf8");
const scriptServices = (/^ALL_SERVICES=\(([^)]*)\)/m.exec(servicesSh)?.[1] ?? "").trim().split(/\s+/);
const envKeys = new Set<string>();
for (const f of readdirSync(servicesDir).filter((f) => f.endsWith(".sh"))) {
  for (const m of readFileSync(join(servicesDir, f), "utf8").matchAll(/echo "(DOCMESH_[A-Z0-9_]+)=/g)) {
    envKeys.add(m[1] as string);
  }
}

/** One process per public service (services/runtime.ts SERVICE_ROLES) and per pipeline role. */
const processes = [...SERVICE_ROLES, "classifier", "extractor", "indexer", "relay"];

// The published host ports of each backing service, from ports.env.
const published: Record<string, string[]> = {
  postgres: ["DOCMESH_PG_PORT"],
  kafka: ["DOCMESH_KAFKA_PORT"],
  apicurio: ["DOCMESH_APICURIO_PORT", "DOCMESH_APICURIO_MANAGEMENT_PORT"],
  minio: ["DOCMESH_MINIO_PORT", "DOCMESH_MINIO_CONSOLE_PORT"],
  opensearch: ["DOCMESH_OPENSEARCH_PORT"],
  ollama: ["DOCMESH_OLLAMA_PORT"],
  prometheus: ["DOCMESH_PROMETHEUS_PORT"],
};

describe("the YAML subset reader", () => {
  it("reads maps, sequences, quoted scalars and flow sequences", () => {
    expect(parseYaml('a:\n  b: "1"\n  c: [x, "y z"]\nd:\n- e: f # note\n  g: h\n- i\n')).toEqual({
      a: { b: "1", c: ["x", "y z"] },
      d: [{ e: "f", g: "h" }, "i"],
    });
  });
  it("rejects anchors and block scalars", () => {
    expect(() => parseYaml("a: &x 1\n")).toThrow(/subset/);
    expect(() => parseYaml("a: |\n  text\n")).toThrow(/subset/);
  });
});

describe("docker-compose.yml agrees with scripts/services", () => {
  it("has a service for every script-managed service and every Docmesh process", () => {
    expect(scriptServices).toEqual([
      "postgres",
      "kafka",
      "apicurio",
      "minio",
      "opensearch",
      "jaeger",
      "prometheus",
      "envoy",
      "ollama",
    ]);
    for (const name of [...scriptServices, ...processes]) expect(Object.keys(services)).toContain(name);
    expect(services.ollama?.profiles).toEqual(["ollama"]);
  });

  it("writes exactly the documented variables to services.env", () => {
    expect([...envKeys].sort()).toEqual(
      [
        "DOCMESH_DATABASE_URL",
        "DOCMESH_ENVOY_BIN",
        "DOCMESH_JAEGER_URL",
        "DOCMESH_KAFKA_BROKERS",
        "DOCMESH_OLLAMA_URL",
        "DOCMESH_OPENSEARCH_URL",
        "DOCMESH_OTLP_ENDPOINT",
        "DOCMESH_PROMETHEUS_TARGETS_DIR",
        "DOCMESH_PROMETHEUS_URL",
        "DOCMESH_S3_ACCESS_KEY",
        "DOCMESH_S3_BUCKET",
        "DOCMESH_S3_ENDPOINT",
        "DOCMESH_S3_SECRET_KEY",
        "DOCMESH_SCHEMA_REGISTRY_URL",
      ].sort(),
    );
  });

  it("publishes the scripts' default ports on loopback, with the same port inside", () => {
    for (const [name, vars] of Object.entries(published)) {
      const ports = services[name]?.ports ?? [];
      expect(ports, name).toEqual(vars.map((v) => `127.0.0.1:${port(v)}:${port(v)}`));
    }
    const kafkaEnv = services.kafka?.environment ?? {};
    expect(kafkaEnv.KAFKA_LISTENERS).toContain(`:${port("DOCMESH_KAFKA_CONTROLLER_PORT")}`);
    expect(kafkaEnv.KAFKA_ADVERTISED_LISTENERS).toContain(`127.0.0.1:${port("DOCMESH_KAFKA_PORT")}`);
    expect(services.opensearch?.environment?.["transport.port"]).toBe(
      port("DOCMESH_OPENSEARCH_TRANSPORT_PORT"),
    );
    expect(services.postgres?.environment?.PGPORT).toBe(port("DOCMESH_PG_PORT"));
    expect(services.apicurio?.environment?.APICURIO_RULES_GLOBAL_COMPATIBILITY).toBe("BACKWARD");
  });

  it("gives every Docmesh process its role and the services.env variables, on the same ports", () => {
    const hostPort: Record<string, string> = {
      DOCMESH_KAFKA_BROKERS: `kafka:`,
      DOCMESH_SCHEMA_REGISTRY_URL: `apicurio:${port("DOCMESH_APICURIO_PORT")}`,
      DOCMESH_DATABASE_URL: `postgres:${port("DOCMESH_PG_PORT")}`,
      DOCMESH_S3_ENDPOINT: `minio:${port("DOCMESH_MINIO_PORT")}`,
      DOCMESH_OPENSEARCH_URL: `opensearch:${port("DOCMESH_OPENSEARCH_PORT")}`,
      DOCMESH_OLLAMA_URL: `ollama:${port("DOCMESH_OLLAMA_PORT")}`,
    };
    for (const name of processes) {
      const svc = services[name] as Service;
      expect(svc.command, name).toEqual([
        "node",
        "--import",
        "tsx",
        "services/main.ts",
        "--cluster",
        `--role=${name}`,
      ]);
      const env = svc.environment ?? {};
      for (const key of envKeys) expect(Object.keys(env), `${name} lacks ${key}`).toContain(key);
      for (const [key, hp] of Object.entries(hostPort)) expect(env[key], `${name} ${key}`).toContain(hp);
      expect(env.DOCMESH_SCHEMA_REGISTRY_URL).toMatch(/\/apis\/ccompat\/v7$/);
      expect(env.DOCMESH_S3_BUCKET).toBe("docmesh");
    }
    expect(services.ingestion?.build).toBe(".");
  });

  it("runs each public service on its own published port, one page-token secret for all", () => {
    const secrets = new Set<string | null | undefined>();
    const upstreams: string[] = [];
    for (const role of SERVICE_ROLES) {
      const env = services[role]?.environment ?? {};
      expect(services[role]?.ports, role).toEqual([`127.0.0.1:${env.DOCMESH_PORT}:${env.DOCMESH_PORT}`]);
      secrets.add(env.DOCMESH_PAGE_TOKEN_SECRET);
      upstreams.push(`${role}=127.0.0.1:${env.DOCMESH_PORT}`);
    }
    expect(new Set(SERVICE_ROLES.map((r) => services[r]?.environment?.DOCMESH_PORT)).size).toBe(
      SERVICE_ROLES.length,
    );
    expect(secrets.size).toBe(1);
    expect([...secrets][0]).toMatch(/^\$\{DOCMESH_PAGE_TOKEN_SECRET:-.+\}$/);
    // Envoy (host network) reaches each service at its published port.
    expect(services["edge-config"]?.environment?.DOCMESH_EDGE_UPSTREAMS?.split(",")).toEqual(upstreams);
  });

  it("uses the same MinIO credentials as the scripts", () => {
    const lib = readFileSync(join(servicesDir, "lib.sh"), "utf8");
    const access = /DOCMESH_S3_ACCESS_KEY:-([^}]+)\}/.exec(lib)?.[1];
    const secret = /DOCMESH_S3_SECRET_KEY:-([^}]+)\}/.exec(lib)?.[1];
    expect(services.minio?.environment).toMatchObject({
      MINIO_ROOT_USER: access,
      MINIO_ROOT_PASSWORD: secret,
    });
    expect(services.ingestion?.environment).toMatchObject({
      DOCMESH_S3_ACCESS_KEY: access,
      DOCMESH_S3_SECRET_KEY: secret,
    });
  });
});
