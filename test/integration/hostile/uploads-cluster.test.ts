import { uploadsSuite } from "./uploads-suite.ts";

// The same hostile uploads against the real PostgreSQL and MinIO (presigned S3 URLs).
uploadsSuite("cluster");
