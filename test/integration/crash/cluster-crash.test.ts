import { crashSuite } from "../../e2e/crash-suite.ts";

crashSuite("cluster");
