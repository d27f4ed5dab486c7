// docs/openapi/openapi.yaml describes exactly the REST routes the contracts declare: every RPC with
// a google.api.http rule appears under its verb and path, and nothing else does. (Freshness is
// checked by scripts/check-contracts.sh, which regenerates it.)
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type DescService, getOption, hasOption } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { http } from "../../../gen/google/api/annotations_pb.ts";

const ROOT = join(import.meta.dirname, "../../..");

async function services(): Promise<DescService[]> {
  const found: DescService[] = [];
  const base = join(ROOT, "gen/docmesh");
  for (const domain of readdirSync(base)) {
    for (const file of readdirSync(join(base, domain, "v1")).filter((f) => f.endsWith("_service_pb.ts"))) {
      const module = (await import(join(base, domain, "v1", file))) as Record<string, unknown>;
      for (const value of Object.values(module)) {
        if ((value as DescService | undefined)?.kind === "service") found.push(value as DescService);
      }
    }
  }
  return found;
}

/**
 * `/v1/{name=documents/*}:watch` and `/v1/documents/{document}:watch` both become
 * `/v1/documents/{}:watch`; every star of a template (two in the webhook deliveries' name) is a
 * segment variable.
 */
const normalize = (path: string) =>
  path
    .replace(/\{[^}=]+=([^}]*)\}/g, (_, template: string) => template.replace(/\*/g, "{}"))
    .replace(/\{[^}]*\}/g, "{}");

function contractRoutes(list: DescService[]): string[] {
  const routes: string[] = [];
  for (const service of list) {
    for (const method of service.methods) {
      if (!hasOption(method, http)) continue;
      const rule = getOption(method, http);
      if (rule.pattern.case === "custom" || rule.pattern.case === undefined) continue;
      routes.push(`${rule.pattern.case.toUpperCase()} ${normalize(rule.pattern.value)}`);
    }
  }
  return routes.sort();
}

function openapiRoutes(yaml: string): string[] {
  const routes: string[] = [];
  let path = "";
  for (const line of yaml.split("\n")) {
    const pathMatch = /^ {4}(\/\S+):$/.exec(line);
    if (pathMatch) path = pathMatch[1] ?? "";
    const verb = /^ {8}(get|put|post|patch|delete):$/.exec(line);
    if (verb && path) routes.push(`${verb[1]?.toUpperCase()} ${normalize(path)}`);
  }
  return routes.sort();
}

describe("docs/openapi/openapi.yaml", () => {
  it("has one operation per HTTP-annotated RPC, under the same verb and path", async () => {
    const fromContracts = contractRoutes(await services());
    const fromOpenapi = openapiRoutes(readFileSync(join(ROOT, "docs/openapi/openapi.yaml"), "utf8"));
    expect(fromContracts.length).toBeGreaterThanOrEqual(15);
    expect(fromContracts).toContain("POST /v1/documents:upload");
    expect(fromContracts).toContain("GET /v1/batches/{}:watch");
    expect(fromOpenapi, "docs/openapi is stale: run bash scripts/openapi/generate.sh").toEqual(fromContracts);
  });
});
