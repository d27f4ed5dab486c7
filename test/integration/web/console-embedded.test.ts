import { consoleSuite } from "./console-suite.ts";

consoleSuite("embedded");
