import { metadataSuite } from "../../e2e/metadata-suite.ts";

metadataSuite("cluster");
