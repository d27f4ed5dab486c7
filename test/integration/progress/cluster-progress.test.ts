import { progressSuite } from "../../e2e/progress-suite.ts";

progressSuite("cluster");
