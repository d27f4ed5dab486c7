// Running a replay: the matched documents go back to the named stage a few at a time (at most
// REPLAY_IN_FLIGHT not yet terminal again), so a replay of thousands never floods the pipeline, and
// fair admission in the stages keeps other tenants' uploads moving meanwhile. CancelReplay stops
// further re-queues; what was re-queued finishes. The runner lives in the process that accepted
// the request; its progress is in SQL, readable from any admin process.
import { ReplayState } from "../../gen/docmesh/admin/v1/admin_service_pb.ts";
import { logger } from "../platform/log.ts";
import type { ReplayQuery, ReplayStage, ReplayStore } from "./replay-store.ts";

export const REPLAY_IN_FLIGHT = 20;
const POLL_MS = 200;

const log = logger("replay");

export class Replays {
  private readonly running = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly store: ReplayStore,
    /** Wakes the in-process outbox relay after a re-queue committed. */
    private readonly committed: () => void,
    private readonly inFlightLimit = REPLAY_IN_FLIGHT,
  ) {}

  async start(query: ReplayQuery, fromStage: ReplayStage, limit: number, actor: string): Promise<string> {
    const id = await this.store.create(query, fromStage, limit, actor);
    const run = this.run(id, fromStage, actor).catch((error: unknown) => {
      log.error("replay stopped by an error; its progress is kept", { replay: id, error });
    });
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return id;
  }

  /** Stops the runners of this process (shutdown); their replays stay RUNNING in the store. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.running]);
  }

  private async run(id: string, fromStage: ReplayStage, actor: string): Promise<void> {
    const ids = await this.store.match(await this.store.get(id));
    for (const documentId of ids) {
      while (!this.stopping && (await this.store.inFlight(id)) >= this.inFlightLimit) {
        if (await this.store.cancelRequested(id)) break;
        await sleep(POLL_MS);
      }
      if (this.stopping) return;
      if (await this.store.cancelRequested(id)) return this.store.finish(id, ReplayState.CANCELLED);
      if (await this.store.requeue(id, documentId, fromStage, actor)) this.committed();
    }
    while ((await this.store.inFlight(id)) > 0) {
      if (this.stopping) return;
      if (await this.store.cancelRequested(id)) return this.store.finish(id, ReplayState.CANCELLED);
      await sleep(POLL_MS);
    }
    await this.store.finish(id, ReplayState.SUCCEEDED);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
