import { KafkaBus } from "../../../services/platform/bus/kafka.ts";
import { busContract } from "../../contract/bus.ts";
import { kafkaBrokers } from "./env.ts";

// Read at collection time: a missing variable fails the file (never a skip).
const brokers = kafkaBrokers();

busContract(
  "kafka",
  async () => {
    const observer = new KafkaBus({ brokers, clientId: "docmesh-contract-observer" }).kafka.admin();
    await observer.connect();
    return {
      open: async () => new KafkaBus({ brokers, clientId: "docmesh-contract", replicationFactor: 1 }),
      groupExists: async (groupId) => {
        const { groups } = await observer.listGroups();
        return groups.some((g) => g.groupId === groupId);
      },
      dispose: () => observer.disconnect(),
    };
  },
  { waitMs: 60_000, quietMs: 2000 },
);
