// The edge can't forget an RPC: the committed Envoy config, the committed descriptor set and the
// contracts (gen/, kept current by CI) must agree. Fix a failure with `bash scripts/edge/check.sh`.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  createFileRegistry,
  type DescFile,
  fromBinary,
  getOption,
  hasOption,
  toJson,
} from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { edgeProblems } from "../../../gateway/check.ts";
import { EDGE_SERVICES, type EdgeRpc, edgeRpcs, templateRegex } from "../../../gateway/contracts.ts";
import { DEFAULT_EDGE, edgeOptionsFrom } from "../../../gateway/edge-options.ts";
import { envoyConfig, renderEnvoyYaml } from "../../../gateway/envoy-config.ts";
import { http } from "../../../gen/google/api/annotations_pb.ts";
import { HttpRuleSchema } from "../../../gen/google/api/http_pb.ts";
import { loadConfig } from "../../../services/platform/config.ts";

const REPO = join(import.meta.dirname, "../../..");
const FIX = "out of date: run `bash scripts/edge/check.sh` and commit deploy/envoy/";
const defaults = () => edgeOptionsFrom(loadConfig({}));

/** Every service declared under proto/docmesh, from the generated code. */
async function contractServices(): Promise<string[]> {
  const dir = join(REPO, "gen/docmesh");
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith("_pb.ts"));
  const names: string[] = [];
  for (const file of files) {
    const module = (await import(join(dir, file))) as Record<string, unknown>;
    for (const value of Object.values(module)) {
      const gen = value as Partial<DescFile>;
      if (gen && typeof gen === "object" && gen.kind === "file")
        names.push(...(gen.services ?? []).map((service) => service.typeName));
    }
  }
  return [...new Set(names)].sort();
}

describe("Envoy config vs contracts", () => {
  it("deploy/envoy/envoy.yaml is exactly what the contracts and defaults render", () => {
    const committed = readFileSync(join(REPO, DEFAULT_EDGE.out), "utf8");
    expect(committed === renderEnvoyYaml(defaults()), `deploy/envoy/envoy.yaml is ${FIX}`).toBe(true);
  });

  it("every service in proto/docmesh is exposed at the edge", async () => {
    expect(EDGE_SERVICES.map((s) => s.typeName).sort()).toEqual(await contractServices());
  });

  it("deploy/envoy/docmesh.binpb has every edge RPC with the same google.api.http rule", () => {
    const set = fromBinary(FileDescriptorSetSchema, readFileSync(join(REPO, DEFAULT_EDGE.descriptorSet)));
    const registry = createFileRegistry(set);
    for (const service of EDGE_SERVICES) {
      const built = registry.getService(service.typeName);
      expect(built, `${service.typeName} missing from the descriptor set, ${FIX}`).toBeDefined();
      expect(
        built?.methods.map((m) => m.name),
        `${service.typeName} methods: descriptor set ${FIX}`,
      ).toEqual(service.methods.map((m) => m.name));
      for (const method of service.methods) {
        const builtMethod = built?.methods.find((m) => m.name === method.name);
        const rule = (m: typeof method) =>
          m && hasOption(m, http) ? toJson(HttpRuleSchema, getOption(m, http)) : undefined;
        expect(
          builtMethod && rule(builtMethod),
          `${method.parent.typeName}.${method.name} http rule: ${FIX}`,
        ).toEqual(rule(method));
      }
    }
  });

  it("every RPC has a gRPC route, a REST route per binding, a per-tenant limit and the right timeout", () => {
    const rpcs = edgeRpcs();
    expect(rpcs.length).toBeGreaterThanOrEqual(15);
    expect(
      rpcs.every((r) => r.rest.length > 0),
      "every public RPC carries a google.api.http annotation",
    ).toBe(true);
    expect(edgeProblems(envoyConfig(defaults()), rpcs)).toEqual([]);
  });

  it("names what is missing when the config and the contracts drift", () => {
    const rpcs = edgeRpcs();
    const extra: EdgeRpc = {
      service: "docmesh.metadata.v1.MetadataService",
      method: "ArchiveDocument",
      path: "/docmesh.metadata.v1.MetadataService/ArchiveDocument",
      serverStreaming: false,
      idempotent: false,
      rest: [
        {
          verb: "POST",
          template: "/v1/{name=documents/*}:archive",
          regex: "^/v1/documents/[^/]+:archive$",
          body: "*",
        },
      ],
    };
    expect(edgeProblems(envoyConfig(defaults()), [...rpcs, extra])).toEqual([
      "/docmesh.metadata.v1.MetadataService/ArchiveDocument: no gRPC route",
      "/docmesh.metadata.v1.MetadataService/ArchiveDocument (POST /v1/{name=documents/*}:archive): no REST route",
    ]);

    // biome-ignore lint/suspicious/noExplicitAny: poking at a deliberately broken config
    const config = envoyConfig(defaults()) as Record<string, any>;
    const hcm = config.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
    // biome-ignore lint/suspicious/noExplicitAny: as above
    const routes = hcm.route_config.virtual_hosts[0].routes as Record<string, any>[];
    const watch = routes.find((r) => r.match?.path === "/docmesh.progress.v1.ProgressService/WatchBatch");
    if (!watch) throw new Error("no WatchBatch route");
    watch.route.timeout = "15s";
    delete watch.typed_per_filter_config;
    const transcoder = hcm.http_filters.find((f: { name: string }) =>
      f.name.endsWith("grpc_json_transcoder"),
    );
    transcoder.typed_config.services = transcoder.typed_config.services.filter(
      (s: string) => !s.includes("Search"),
    );
    expect(edgeProblems(config, rpcs)).toEqual([
      "docmesh.search.v1.SearchService: not in the transcoder's services",
      "/docmesh.progress.v1.ProgressService/WatchBatch: a stream needs timeout 0s, has 15s",
      "/docmesh.progress.v1.ProgressService/WatchBatch: no per-tenant rate limit",
      "/docmesh.progress.v1.ProgressService/WatchBatch: no role policy",
      // The REST route shares the route action object, so it has the same wrong timeout.
      "/docmesh.progress.v1.ProgressService/WatchBatch (GET /v1/{name=batches/*}:watch): a stream needs timeout 0s, has 15s",
    ]);
  });

  it("streams have no route timeout and an idle timeout that covers several heartbeats", () => {
    expect(() => envoyConfig({ ...defaults(), heartbeatSeconds: 200 })).toThrow(/3 heartbeats/);
  });

  it("the limits in the rendered config are the one table (DOCMESH_RATE_LIMITS)", () => {
    const table = loadConfig({ DOCMESH_RATE_LIMITS: "*=7/3s,GetStats=2/5s" }).rateLimits;
    const text = renderEnvoyYaml({ ...defaults(), rateLimits: table });
    expect(text).toMatch(
      /stat_prefix: rpc_GetStats[\s\S]*?max_tokens: 2\n\s+tokens_per_fill: 2\n\s+fill_interval: "5s"/,
    );
    expect(text).toMatch(
      /stat_prefix: rpc_GetDocument[\s\S]*?max_tokens: 7\n\s+tokens_per_fill: 7\n\s+fill_interval: "3s"/,
    );
  });
});

describe("http templates → Envoy path regexes", () => {
  it.each([
    [
      "/v1/documents:upload",
      "^/v1/documents:upload$",
      ["/v1/documents:upload"],
      ["/v1/documents:uploadx", "/v1/documents"],
    ],
    [
      "/v1/{name=documents/*}",
      "^/v1/documents/[^/]+$",
      ["/v1/documents/abc"],
      ["/v1/documents/a/b", "/v1/documents"],
    ],
    [
      "/v1/{name=documents/*}:watch",
      "^/v1/documents/[^/]+:watch$",
      ["/v1/documents/1:watch"],
      ["/v1/documents/1"],
    ],
    [
      "/v1/{name=uploads/*}:complete",
      "^/v1/uploads/[^/]+:complete$",
      ["/v1/uploads/u:complete"],
      ["/v1/uploads/u"],
    ],
    ["/v1/{name=files/**}", "^/v1/files/.+$", ["/v1/files/a/b/c"], ["/v1/files/"]],
    ["/v1/{id}/x.y", "^/v1/[^/]+/x\\.y$", ["/v1/7/x.y"], ["/v1/7/xzy"]],
  ])("%s", (template, regex, matching, other) => {
    expect(templateRegex(template)).toBe(regex);
    for (const path of matching) expect(new RegExp(regex).test(path)).toBe(true);
    for (const path of other) expect(new RegExp(regex).test(path)).toBe(false);
  });
});

describe("rate-limit table parsing", () => {
  it("rejects malformed entries and a table without *", () => {
    expect(() => loadConfig({ DOCMESH_RATE_LIMITS: "GetStats=2/5s" })).toThrow(/"\*" entry/);
    expect(() => loadConfig({ DOCMESH_RATE_LIMITS: "*=ten/1s" })).toThrow(/METHOD=REQUESTS\/SECONDSs/);
    expect(loadConfig({}).rateLimits["*"]).toEqual({ requests: 50, seconds: 1 });
  });
});
