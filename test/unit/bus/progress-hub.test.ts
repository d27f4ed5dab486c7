import { progressHubSuite } from "../../contract/progress-hub.ts";
import { embeddedHarness } from "./embedded-harness.ts";

progressHubSuite("embedded", embeddedHarness);
