import * as Minio from "minio";
import { describe, expect, it } from "vitest";
import { requireEnv, uniqueName } from "./env.ts";

const endpoint = new URL(requireEnv("minio", "DOCMESH_S3_ENDPOINT"));
const accessKey = requireEnv("minio", "DOCMESH_S3_ACCESS_KEY");
const secretKey = requireEnv("minio", "DOCMESH_S3_SECRET_KEY");
const bucket = requireEnv("minio", "DOCMESH_S3_BUCKET");

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

describe("minio (real S3 server)", () => {
  const client = new Minio.Client({
    endPoint: endpoint.hostname,
    port: Number(endpoint.port),
    useSSL: endpoint.protocol === "https:",
    accessKey,
    secretKey,
    region: "us-east-1",
  });

  it("has the configured bucket", async () => {
    expect(await client.bucketExists(bucket)).toBe(true);
  });

  it("puts, gets and presigns objects", async () => {
    const key = `${uniqueName("smoke")}/hello.txt`;
    const body = "hello from docmesh";
    await client.putObject(bucket, key, Buffer.from(body), body.length, { "Content-Type": "text/plain" });
    expect(await readAll(await client.getObject(bucket, key))).toBe(body);
    const stat = await client.statObject(bucket, key);
    expect(stat.size).toBe(body.length);

    // Presigned PUT: upload with plain HTTP, no credentials.
    const putKey = `${uniqueName("smoke")}/presigned.txt`;
    const putUrl = await client.presignedPutObject(bucket, putKey, 300);
    const put = await fetch(putUrl, { method: "PUT", body: "uploaded via presigned url" });
    expect(put.status).toBe(200);
    expect(await readAll(await client.getObject(bucket, putKey))).toBe("uploaded via presigned url");

    // Presigned GET.
    const getUrl = await client.presignedGetObject(bucket, key, 300);
    const got = await fetch(getUrl);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe(body);

    // Without a signature the object is private.
    const anonymous = await fetch(`${endpoint.origin}/${bucket}/${key}`);
    expect(anonymous.status).toBe(403);

    await client.removeObjects(bucket, [key, putKey]);
  });
});
