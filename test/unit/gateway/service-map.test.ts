// The service map: each public service is its own Envoy cluster, fed by the processes that serve
// it (DOCMESH_EDGE_UPSTREAMS), and only RPCs the contract calls idempotent are retried on failure.
import { describe, expect, it } from "vitest";
import { EDGE_SERVICES, edgeRpcs } from "../../../gateway/contracts.ts";
import { edgeOptionsFrom } from "../../../gateway/edge-options.ts";
import {
  clusterOf,
  envoyConfig,
  RETRY_ON_IDEMPOTENT,
  RETRY_ON_UNSEEN,
  serviceRole,
  upstreamsOf,
} from "../../../gateway/envoy-config.ts";
import { loadConfig } from "../../../services/platform/config.ts";
import { SERVICE_ROLES } from "../../../services/runtime.ts";

const SEARCH = "docmesh.search.v1.SearchService";
const HEALTH = "grpc.health.v1.Health";

type Obj = Record<string, unknown>;
/** Walks object keys and array indexes; undefined where the path ends early. */
const dig = (value: unknown, ...keys: (string | number)[]): unknown =>
  keys.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Obj)[k] : undefined), value);
const clusters = (upstreams: string[]) =>
  (envoyConfig(edgeOptionsFrom(loadConfig({}), { upstreams })).static_resources as Obj).clusters as Obj[];
const endpointsOf = (cluster: Obj) =>
  ((cluster.load_assignment as Obj).endpoints as Obj[]).flatMap((e) =>
    (e.lb_endpoints as Obj[]).map((lb) => {
      const address = ((lb.endpoint as Obj).address as Obj).socket_address as Obj;
      return `${address.address}:${address.port_value}`;
    }),
  );

describe("service map", () => {
  it("names each edge service as its process role is named", () => {
    for (const role of SERVICE_ROLES) {
      expect(EDGE_SERVICES.map((s) => serviceRole(s.typeName))).toContain(role);
    }
    expect(clusterOf(SEARCH)).toBe("docmesh_search");
  });

  it("sends an unnamed host:port every service, a named one only its service, health to all", () => {
    const upstreams = [
      "10.0.0.1:8080",
      "search=10.0.0.2:8083",
      "search=10.0.0.3:8083",
      "ingestion=10.0.0.4:8081",
    ];
    expect(upstreamsOf(SEARCH, upstreams)).toEqual(["10.0.0.1:8080", "10.0.0.2:8083", "10.0.0.3:8083"]);
    expect(upstreamsOf("docmesh.metadata.v1.MetadataService", upstreams)).toEqual(["10.0.0.1:8080"]);
    expect(upstreamsOf(HEALTH, upstreams)).toHaveLength(4);
  });

  it("refuses a role that is no edge service, and a service no process serves", () => {
    expect(() => upstreamsOf(SEARCH, ["serch=10.0.0.2:8083"])).toThrow(/"serch" is not an edge service/);
    expect(() => upstreamsOf(SEARCH, ["ingestion=10.0.0.4:8081"])).toThrow(
      /no upstream serves .*search=host:port/,
    );
  });

  it("renders one health-checked cluster per service with only its own processes", () => {
    const upstreams = EDGE_SERVICES.map((s, i) => `${serviceRole(s.typeName)}=127.0.0.1:${9000 + i}`);
    const all = clusters(upstreams);
    for (const [i, service] of EDGE_SERVICES.entries()) {
      const cluster = all.find((c) => c.name === clusterOf(service.typeName));
      expect(cluster && endpointsOf(cluster)).toEqual([`127.0.0.1:${9000 + i}`]);
      expect(dig(cluster, "health_checks", 0, "grpc_health_check", "service_name")).toBe(service.typeName);
      expect(cluster?.outlier_detection).toBeDefined();
    }
  });

  it("retries an idempotent RPC on failure, any other only when no process saw it", () => {
    const rpcs = edgeRpcs();
    const reads = rpcs.filter((r) => r.idempotent).map((r) => r.method);
    expect(reads).toEqual(expect.arrayContaining(["GetDocument", "SearchDocuments", "WatchDocument"]));
    expect(reads).not.toContain("UploadDocument");
    expect(reads).not.toContain("UpdateDocument");
    const config = envoyConfig(edgeOptionsFrom(loadConfig({})));
    const hcm = dig(
      config,
      "static_resources",
      "listeners",
      0,
      "filter_chains",
      0,
      "filters",
      0,
      "typed_config",
    );
    const routes = dig(hcm, "route_config", "virtual_hosts", 0, "routes") as Obj[];
    const retryOn = (path: string) =>
      dig(
        routes.find((r) => dig(r, "match", "path") === path),
        "route",
        "retry_policy",
        "retry_on",
      );
    expect(retryOn("/docmesh.search.v1.SearchService/SearchDocuments")).toBe(RETRY_ON_IDEMPOTENT);
    expect(retryOn("/docmesh.ingestion.v1.IngestionService/UploadDocument")).toBe(RETRY_ON_UNSEEN);
    expect(RETRY_ON_UNSEEN).not.toMatch(/reset|unavailable|5xx|gateway/);
  });
});
