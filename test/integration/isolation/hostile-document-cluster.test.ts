import { hostileDocumentSuite } from "./hostile-suite.ts";

// Cluster mode on the real Kafka, PostgreSQL, MinIO and OpenSearch, every role in this process:
// two hostile documents take both parser threads (2 cores). A hostile document also holds its
// Kafka partition's later records until it gives up (its batch is handed back and the partition
// paused; other partitions keep flowing: the bus contract tests that), so more hostile documents
// than threads could hold a bystander in their partition for more than one budget.
hostileDocumentSuite("cluster", 2);
