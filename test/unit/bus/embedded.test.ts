import { busContract } from "../../contract/bus.ts";
import { embeddedHarness } from "./embedded-harness.ts";

busContract("embedded", embeddedHarness);
