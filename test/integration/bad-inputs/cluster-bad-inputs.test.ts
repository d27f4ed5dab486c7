import { badInputsSuite } from "../../e2e/bad-inputs-suite.ts";
import { badInputSuite } from "../hostile/bad-input-suite.ts";

badInputsSuite("cluster");
// The hostile-input cases against the real PostgreSQL, OpenSearch and MinIO.
badInputSuite("cluster");
