// MinIO adapter against the real server from `npm run services -- up minio`.
// Source ${DOCMESH_CACHE:-$HOME/.cache/docmesh}/run/services.env first; missing variables fail the run.

import { afterAll, describe, expect, it } from "vitest";
import { MinioBlobStore } from "../../../services/platform/blobs/minio.ts";
import { blobStoreContract } from "../../contract/blobs.ts";
import { dropBucket, requiredEnv, scratchBucketName } from "./scratch-bucket.ts";

function options() {
  return {
    endpoint: requiredEnv("DOCMESH_S3_ENDPOINT"),
    accessKey: requiredEnv("DOCMESH_S3_ACCESS_KEY"),
    secretKey: requiredEnv("DOCMESH_S3_SECRET_KEY"),
  };
}

const bucket = scratchBucketName("test");

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
