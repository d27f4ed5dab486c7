import { afterAll } from "vitest";
import { dropBucket, scratchBucketName } from "../blobs/scratch-bucket.ts";
import { uploadsSuite } from "./uploads-suite.ts";

// The same hostile uploads against the real PostgreSQL and MinIO (presigned S3 URLs), in a
// bucket of their own so the sweeps here never touch other tests' staged uploads.
const bucket = scratchBucketName("uploads");
afterAll(async () => {
  await dropBucket(bucket);
});

uploadsSuite("cluster", { s3Bucket: bucket });
