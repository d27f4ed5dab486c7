// Fan-out of live document events to the watchers of this process. Each progress
// process reads the topic with its own ephemeral consumer group from the latest offset (no
// commits, deleted on stop); history comes from the progress log, so a restarted process
// dispatches no old events and loses nothing for a client that resumes. The subscription has no
// dead-letter topic: a failure here says nothing about the event, which the pipeline handles.
import { randomUUID } from "node:crypto";
import type { DocumentEvent } from "../../gen/docmesh/events/v1/document_event_pb.ts";
import type { EventDecoder } from "../pipeline/stage-worker.ts";
import type { EventBus, Subscription } from "../platform/bus/bus.ts";
import { DOCUMENT_EVENTS_TOPIC } from "../platform/events/topics.ts";
import { logger } from "../platform/log.ts";

type Listener = (event: DocumentEvent) => void;

const log = logger("progress-hub");

export class ProgressHub {
  private readonly byDocument = new Map<string, Set<Listener>>();
  private readonly byBatch = new Map<string, Set<Listener>>();
  private subscription?: Subscription;
  /** This process's listener group (ephemeral: gone after stop()). */
  readonly groupId = `docmesh.progress.${randomUUID()}`;

  /** `topic` is the lifecycle topic; tests pass their own so they never feed the pipeline. */
  async start(bus: EventBus, decoder: EventDecoder, topic = DOCUMENT_EVENTS_TOPIC): Promise<void> {
    this.subscription = await bus.subscribe({
      groupId: this.groupId,
      topic,
      startFrom: "latest",
      ephemeral: true,
      retry: { maxAttempts: 1 },
      handler: async (record) => {
        let event: DocumentEvent;
        try {
          event = await decoder.decode(record.value);
        } catch (error) {
          log.warn("undecodable event skipped", { error, offset: record.offset });
          return;
        }
        this.dispatch(event);
      },
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }

  dispatch(event: DocumentEvent): void {
    const listeners = [...(this.byDocument.get(event.documentId) ?? [])];
    if (event.batch) listeners.push(...(this.byBatch.get(event.batch) ?? []));
    // One failing watcher must not keep the event from the others.
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        log.warn("progress listener failed", { error, documentId: event.documentId });
      }
    }
  }

  onDocument(documentId: string, listener: Listener): () => void {
    return add(this.byDocument, documentId, listener);
  }

  onBatch(batch: string, listener: Listener): () => void {
    return add(this.byBatch, batch, listener);
  }

  /** Open listeners, for leak checks. */
  get listenerCount(): number {
    let n = 0;
    for (const set of [...this.byDocument.values(), ...this.byBatch.values()]) n += set.size;
    return n;
  }
}

function add(map: Map<string, Set<Listener>>, key: string, listener: Listener): () => void {
  const set = map.get(key) ?? new Set<Listener>();
  map.set(key, set);
  set.add(listener);
  return () => {
    set.delete(listener);
    if (set.size === 0) map.delete(key);
  };
}
