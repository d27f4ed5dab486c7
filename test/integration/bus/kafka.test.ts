import { KafkaBus } from "../../../services/platform/bus/kafka.ts";
import { busContract } from "../../contract/bus.ts";
import { kafkaBrokers } from "./env.ts";

busContract(
  "kafka",
  async () => {
    const brokers = kafkaBrokers();
    return {
      open: async () => new KafkaBus({ brokers, clientId: "docmesh-contract", replicationFactor: 1 }),
      dispose: async () => {},
    };
  },
  { waitMs: 60_000, quietMs: 2000 },
);
