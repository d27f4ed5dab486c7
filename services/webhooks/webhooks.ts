// The webhook role of a process: WebhookService's handlers, the intake that turns lifecycle events
// into deliveries, and the dispatcher that sends them.
import type { ServiceImpl } from "@connectrpc/connect";
import type { WebhookService } from "../../gen/docmesh/webhook/v1/webhook_service_pb.ts";
import type { Platform } from "../platform/adapters.ts";
import type { PageTokens } from "../platform/page-token.ts";
import { DeliveryStore } from "./delivery-store.ts";
import { Dispatcher, type DispatchOptions } from "./dispatcher.ts";
import { EndpointStore } from "./endpoint-store.ts";
import { webhookHandlers } from "./handlers.ts";
import { startWebhookIntake } from "./intake.ts";

export interface RunningWebhooks {
  handlers: ServiceImpl<typeof WebhookService>;
  stop(): Promise<void>;
}

export async function startWebhooks(
  platform: Pick<Platform, "db" | "bus" | "codec">,
  pageTokens: PageTokens,
  options: DispatchOptions,
): Promise<RunningWebhooks> {
  const deliveries = new DeliveryStore(platform.db);
  const dispatcher = new Dispatcher(deliveries, options);
  dispatcher.start();
  const intake = await startWebhookIntake(platform.bus, platform.codec, deliveries, () => dispatcher.kick());
  return {
    handlers: webhookHandlers({
      endpoints: new EndpointStore(platform.db),
      deliveries,
      pageTokens,
      policy: options,
      due: () => dispatcher.kick(),
    }),
    async stop() {
      await intake.stop();
      await dispatcher.stop();
    },
  };
}
