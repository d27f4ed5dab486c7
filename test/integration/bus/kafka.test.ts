import { KafkaBus } from "../../../services/platform/bus/kafka.ts";
import { busContract } from "../../contract/bus.ts";
import { kafkaBrokers } from "./env.ts";

// Read at collection time: a missing variable fails the file (never a skip).
const brokers = kafkaBrokers();

busContract(
  "kafka",
  async () => {
    return {
      open: async () => new KafkaBus({ brokers, clientId: "docmesh-contract", replicationFactor: 1 }),
      dispose: async () => {},
    };
  },
  { waitMs: 60_000, quietMs: 2000 },
);
