import { consoleSuite } from "./console-suite.ts";

// Through the real Envoy (deploy/envoy rendered by gateway/), on the real engines.
consoleSuite("cluster");
