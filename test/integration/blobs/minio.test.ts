// MinIO adapter against the real server from `npm run services -- up minio`.
// Source ${DOCMESH_CACHE:-$HOME/.cache/docmesh}/run/services.env first; missing variables fail the run.

import { randomUUID } from "node:crypto";
import { Client } from "minio";
import { afterAll, describe, expect, it } from "vitest";
import { MinioBlobStore } from "../../../services/platform/blobs/minio.ts";
import { blobStoreContract } from "../../contract/blobs.ts";

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: source the services.env written by scripts/services/services.sh`);
  return value;
}

function options() {
  return {
    endpoint: required("DOCMESH_S3_ENDPOINT"),
    accessKey: required("DOCMESH_S3_ACCESS_KEY"),
    secretKey: required("DOCMESH_S3_SECRET_KEY"),
  };
}

// A bucket of its own per run, so parallel runs never see each other's keys.
const bucket = `${required("DOCMESH_S3_BUCKET")}-test-${randomUUID().slice(0, 8)}`;

async function dropBucket(name: string): Promise<void> {
  const url = new URL(required("DOCMESH_S3_ENDPOINT"));
  const client = new Client({
    endPoint: url.hostname,
    port: Number(url.port || 80),
    useSSL: false,
    accessKey: required("DOCMESH_S3_ACCESS_KEY"),
    secretKey: required("DOCMESH_S3_SECRET_KEY"),
    region: "us-east-1",
  });
  if (!(await client.bucketExists(name))) return;
  // A key that is also a prefix ("a" and "a/b") hides the deeper one from listings until the
  // shallower one is gone, so list and remove until the bucket is empty.
  for (let round = 0; round < 5; round++) {
    const names: string[] = [];
    for await (const item of client.listObjectsV2(name, "", true)) if (item.name) names.push(item.name);
    if (names.length === 0) break;
    await client.removeObjects(name, names);
  }
  await client.removeBucket(name);
}

afterAll(async () => {
  await dropBucket(bucket);
  await dropBucket(`${bucket}-fresh`);
});

blobStoreContract("minio", async () => ({
  store: new MinioBlobStore({ ...options(), bucket }),
  expiredStatuses: [403],
}));

describe("minio blob store specifics", () => {
  it("maps a dead endpoint to a retriable unavailable error", async () => {
    const store = new MinioBlobStore({
      ...options(),
      endpoint: "http://127.0.0.1:1",
      bucket,
      timeoutMs: 5_000,
    });
    const error = await store.get("any/key").catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "unavailable", retriable: true });
  });

  it("creates its bucket on ensure()", async () => {
    const fresh = new MinioBlobStore({ ...options(), bucket: `${bucket}-fresh` });
    await fresh.ensure();
    await fresh.put("k", new Uint8Array([7]), "application/octet-stream");
    expect(await fresh.stat("k")).toEqual({ size: 1 });
    await fresh.delete("k");
  });
});
