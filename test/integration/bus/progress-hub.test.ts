import { progressHubSuite } from "../../contract/progress-hub.ts";
import { kafkaBrokers, kafkaHarness } from "./env.ts";

// Read at collection time: a missing variable fails the file (never a skip).
const brokers = kafkaBrokers();

progressHubSuite("kafka", () => kafkaHarness(brokers), { waitMs: 60_000, quietMs: 2000 });
