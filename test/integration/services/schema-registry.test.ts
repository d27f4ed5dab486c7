import { SchemaRegistry, SchemaType } from "@kafkajs/confluent-schema-registry";
import { describe, expect, it } from "vitest";
import { requireEnv, uniqueName } from "./env.ts";

const url = requireEnv("apicurio", "DOCMESH_SCHEMA_REGISTRY_URL");

const proto = `syntax = "proto3";
package docmesh.smoke.v1;

message DocumentReceived {
  string document_id = 1;
  string media_type = 2;
  int64 size_bytes = 3;
}
`;

async function getJson(path: string): Promise<unknown> {
  const res = await fetch(`${url}${path}`, { headers: { Accept: "application/vnd.schemaregistry.v1+json" } });
  if (!res.ok) throw new Error(`apicurio: GET ${path} -> HTTP ${res.status}: ${await res.text()}`);
  return res.json();
}

describe("apicurio registry (Confluent-compatible API)", () => {
  it("has the global compatibility rule set to BACKWARD", async () => {
    expect(await getJson("/config")).toMatchObject({ compatibilityLevel: "BACKWARD" });
  });

  it("registers and fetches a Protobuf schema", async () => {
    const registry = new SchemaRegistry({ host: url });
    const subject = `${uniqueName("docmesh.smoke")}-value`;

    const { id } = await registry.register({ type: SchemaType.PROTOBUF, schema: proto }, { subject });
    expect(id).toBeGreaterThan(0);
    // Registering the same schema again is idempotent.
    expect((await registry.register({ type: SchemaType.PROTOBUF, schema: proto }, { subject })).id).toBe(id);
    expect(await registry.getLatestSchemaId(subject)).toBe(id);

    // Plain HTTP view of the same schema.
    const byId = (await getJson(`/schemas/ids/${id}`)) as { schema: string; schemaType?: string };
    expect(byId.schemaType).toBe("PROTOBUF");
    expect(byId.schema).toContain("message DocumentReceived");
    const latest = (await getJson(`/subjects/${encodeURIComponent(subject)}/versions/latest`)) as {
      id: number;
      version: number;
      subject: string;
    };
    expect(latest).toMatchObject({ id, version: 1, subject });

    // Confluent wire format round trip through the registry-held schema.
    const message = { documentId: "doc-1", mediaType: "application/pdf", sizeBytes: 1234 };
    const encoded = await registry.encode(id, message);
    expect(encoded[0]).toBe(0); // magic byte
    expect(encoded.readInt32BE(1)).toBe(id);
    const decoded = await registry.decode(encoded);
    expect(decoded).toMatchObject({ documentId: "doc-1", mediaType: "application/pdf" });
    expect(Number(decoded.sizeBytes)).toBe(1234);
  });
});
