// The admin role of a process: AdminService's handlers and the dead-letter intake they read from.
import type { ServiceImpl } from "@connectrpc/connect";
import type { AdminService } from "../../gen/docmesh/admin/v1/admin_service_pb.ts";
import type { Platform } from "../platform/adapters.ts";
import { DOCUMENT_EVENTS_TOPIC } from "../platform/events/topics.ts";
import type { PageTokens } from "../platform/page-token.ts";
import { consumerLagOf } from "./consumer-lag.ts";
import { startDeadLetterIntake } from "./dead-letter-intake.ts";
import { DeadLetterStore } from "./dead-letter-store.ts";
import { adminHandlers } from "./handlers.ts";
import { ReplayStore } from "./replay-store.ts";
import { Replays } from "./replays.ts";

export interface RunningAdmin {
  handlers: ServiceImpl<typeof AdminService>;
  stop(): Promise<void>;
}

export async function startAdmin(
  platform: Pick<Platform, "db" | "bus" | "codec">,
  pageTokens: PageTokens,
  committed: () => void,
): Promise<RunningAdmin> {
  const deadLetters = new DeadLetterStore(platform.db, DOCUMENT_EVENTS_TOPIC);
  const intake = await startDeadLetterIntake(platform.bus, platform.codec, deadLetters);
  const replayStore = new ReplayStore(platform.db, DOCUMENT_EVENTS_TOPIC);
  const replays = new Replays(replayStore, committed);
  replays.watchOrphans();
  return {
    handlers: adminHandlers({
      db: platform.db,
      deadLetters,
      decoder: platform.codec,
      pageTokens,
      lag: consumerLagOf(platform.bus),
      committed,
      replays,
      replayStore,
    }),
    async stop() {
      await replays.stop();
      await intake.stop();
    },
  };
}
