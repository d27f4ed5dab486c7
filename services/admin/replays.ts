// Running a replay: the matched documents go back to the named stage a few at a time (at most
// REPLAY_IN_FLIGHT not yet terminal again), so a replay of thousands never floods the pipeline, and
// fair admission in the stages keeps other tenants' uploads moving meanwhile. CancelReplay stops
// further re-queues; what was re-queued finishes. The runner lives in the process that accepted
// the request; its progress is in SQL, readable from any admin process. The runner touches the
// replay's update_time at least every HEARTBEAT_MS; a RUNNING replay not touched for STALE_MS (its
// process died or was stopped) is taken over by the next admin process that looks (at start and
// every CHECK_MS), which goes on from the documents not yet sent back.
import { ReplayState } from "../../gen/docmesh/admin/v1/admin_service_pb.ts";
import { logger } from "../platform/log.ts";
import type { ReplayQuery, ReplayStage, ReplayStore } from "./replay-store.ts";

export const REPLAY_IN_FLIGHT = 20;
const POLL_MS = 200;

export interface ReplayTimings {
  /** How often a runner touches its replay. */
  heartbeatMs: number;
  /** A RUNNING replay untouched this long has no runner any more. */
  staleMs: number;
  /** How often an admin process looks for such replays. */
  checkMs: number;
}

export const REPLAY_TIMINGS: ReplayTimings = { heartbeatMs: 2000, staleMs: 15_000, checkMs: 10_000 };

const log = logger("replay");

export class Replays {
  private readonly running = new Set<Promise<void>>();
  private stopping = false;
  private checker?: NodeJS.Timeout;

  constructor(
    private readonly store: ReplayStore,
    /** Wakes the in-process outbox relay after a re-queue committed. */
    private readonly committed: () => void,
    private readonly inFlightLimit = REPLAY_IN_FLIGHT,
    private readonly timings = REPLAY_TIMINGS,
  ) {}

  async start(query: ReplayQuery, fromStage: ReplayStage, limit: number, actor: string): Promise<string> {
    const id = await this.store.create(query, fromStage, limit, actor);
    this.launch(id, fromStage, actor, false);
    return id;
  }

  /** Takes over orphaned replays now and every `checkMs` until stop(). */
  watchOrphans(): void {
    const check = () =>
      void this.resumeStale().catch((error: unknown) => {
        log.warn("cannot look for replays without a runner", { error });
      });
    check();
    this.checker = setInterval(check, this.timings.checkMs);
    this.checker.unref();
  }

  /** Resumes the RUNNING replays whose runner is gone; returns their ids. */
  async resumeStale(): Promise<string[]> {
    if (this.stopping) return [];
    const claimed = await this.store.claimStale(this.timings.staleMs);
    for (const replay of claimed) {
      log.info("resuming a replay whose runner is gone", { replay: replay.id });
      this.launch(replay.id, replay.from_stage as ReplayStage, replay.created_by, true);
    }
    return claimed.map((r) => r.id);
  }

  /** Stops the runners of this process (shutdown); their replays stay RUNNING in the store. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.checker);
    await Promise.allSettled([...this.running]);
  }

  private launch(id: string, fromStage: ReplayStage, actor: string, resumed: boolean): void {
    const run = this.run(id, fromStage, actor, resumed).catch((error: unknown) => {
      log.error("replay stopped by an error; its progress is kept", { replay: id, error });
    });
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  /** The documents still to send back: on resume, the matched ones not sent yet (no more than were matched). */
  private async toSend(id: string, resumed: boolean): Promise<string[]> {
    const replay = await this.store.get(id);
    const ids = await this.store.match(replay, !resumed);
    if (!resumed) return ids;
    const sent = await this.store.sentBack(id);
    const left = Math.max(0, replay.matched - replay.requeued - replay.skipped);
    return ids.filter((documentId) => !sent.has(documentId)).slice(0, left);
  }

  private async run(id: string, fromStage: ReplayStage, actor: string, resumed: boolean): Promise<void> {
    const ids = await this.toSend(id, resumed);
    let touched = Date.now();
    const alive = async () => {
      if (Date.now() - touched < this.timings.heartbeatMs) return;
      touched = Date.now();
      await this.store.touch(id);
    };
    for (const documentId of ids) {
      while (!this.stopping && (await this.store.inFlight(id)) >= this.inFlightLimit) {
        if (await this.store.cancelRequested(id)) break;
        await alive();
        await sleep(POLL_MS);
      }
      if (this.stopping) return;
      if (await this.store.cancelRequested(id)) return this.store.finish(id, ReplayState.CANCELLED);
      if (await this.store.requeue(id, documentId, fromStage, actor)) this.committed();
    }
    while ((await this.store.inFlight(id)) > 0) {
      if (this.stopping) return;
      if (await this.store.cancelRequested(id)) return this.store.finish(id, ReplayState.CANCELLED);
      await alive();
      await sleep(POLL_MS);
    }
    await this.store.finish(id, ReplayState.SUCCEEDED);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
