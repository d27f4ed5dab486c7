import { badInputsSuite } from "../../e2e/bad-inputs-suite.ts";

badInputsSuite("cluster");
