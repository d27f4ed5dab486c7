// A MinIO bucket of a test's own, so parallel runs (and sweeps) never see each other's keys.
// Needs the services.env written by scripts/services/services.sh.
import { randomUUID } from "node:crypto";
import { Client } from "minio";

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: source the services.env written by scripts/services/services.sh`);
  return value;
}

export function scratchBucketName(purpose: string): string {
  return `${requiredEnv("DOCMESH_S3_BUCKET")}-${purpose}-${randomUUID().slice(0, 8)}`;
}

export async function dropBucket(name: string): Promise<void> {
  const url = new URL(requiredEnv("DOCMESH_S3_ENDPOINT"));
  const client = new Client({
    endPoint: url.hostname,
    port: Number(url.port || 80),
    useSSL: false,
    accessKey: requiredEnv("DOCMESH_S3_ACCESS_KEY"),
    secretKey: requiredEnv("DOCMESH_S3_SECRET_KEY"),
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
