import { progressScaleSuite } from "../../e2e/progress-scale-suite.ts";

progressScaleSuite();
