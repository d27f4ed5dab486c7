// The pipeline's state, read when Prometheus scrapes: documents by status, the review queue, the
// outbox backlog and its oldest row's age, each stage group's consumer lag per partition, and the
// dead-letter topic's depth. Registered by processes with the relay role (the one that owns the
// outbox); every such process reports the same values, so rules aggregate them with max().
import type { BatchObservableCallback } from "@opentelemetry/api";
import { DocumentStatus } from "../../../gen/docmesh/document/v1/document_pb.ts";
import type { EventBus } from "../bus/bus.ts";
import { CONSUMER_GROUPS, DOCUMENT_EVENTS_DLQ_TOPIC, DOCUMENT_EVENTS_TOPIC } from "../events/topics.ts";
import { logger } from "../log.ts";
import type { SqlExecutor } from "../store/sql.ts";
import { instruments } from "./instruments.ts";

/** EventBus adapters that can tell a group's lag (both do; the port keeps it optional). */
interface LagReader {
  consumerLag?(groupId: string, topic: string): Promise<number[]>;
}

/** A group that never reads: its lag on the dead-letter topic is every record the topic holds. */
const NEVER_READS = "docmesh.telemetry.dlq-depth";

const log = logger("telemetry");

/** Registers the gauges' callback; the returned function removes it (before the database closes). */
export function registerPipelineGauges(db: SqlExecutor, bus: EventBus): () => void {
  const { meter } = instruments();
  const documents = meter.createObservableGauge("docmesh_documents", {
    description: "Documents by status.",
  });
  const reviewOldest = meter.createObservableGauge("docmesh_review_queue_oldest_age_seconds", {
    description: "Age of the NEEDS_REVIEW document waiting longest (since its last change); 0 when none.",
  });
  const outboxBacklog = meter.createObservableGauge("docmesh_outbox_backlog", {
    description: "Outbox rows not yet published.",
  });
  const outboxOldest = meter.createObservableGauge("docmesh_outbox_oldest_age_seconds", {
    description: "Age of the oldest unpublished outbox row; 0 when none.",
  });
  const lag = meter.createObservableGauge("docmesh_consumer_lag", {
    description: "Records of the topic a stage group has not committed yet, by group and partition.",
  });
  const dlq = meter.createObservableGauge("docmesh_dlq_records", {
    description: "Records in the dead-letter topic (within its retention).",
  });
  const lagReader = bus as LagReader;

  const observables = [documents, reviewOldest, outboxBacklog, outboxOldest, lag, dlq];
  const callback: BatchObservableCallback = async (result) => {
    try {
      const [byStatus, review, outbox] = await Promise.all([
        db.query<{ status: number; n: string | number }>(
          "SELECT status, count(*) AS n FROM documents GROUP BY status",
        ),
        db.query<{ age: string | number | null }>(
          `SELECT EXTRACT(EPOCH FROM now() - min(update_time)) AS age FROM documents WHERE status = ${DocumentStatus.NEEDS_REVIEW}`,
        ),
        db.query<{ n: string | number; age: string | number | null }>(
          "SELECT count(*) AS n, EXTRACT(EPOCH FROM now() - min(create_time)) AS age FROM outbox",
        ),
      ]);
      const counts = new Map(byStatus.rows.map((r) => [Number(r.status), Number(r.n)]));
      for (const [name, value] of Object.entries(DocumentStatus)) {
        if (typeof value !== "number" || value === DocumentStatus.UNSPECIFIED) continue;
        result.observe(documents, counts.get(value) ?? 0, { status: name });
      }
      result.observe(reviewOldest, Number(review.rows[0]?.age ?? 0));
      result.observe(outboxBacklog, Number(outbox.rows[0]?.n ?? 0));
      result.observe(outboxOldest, Number(outbox.rows[0]?.age ?? 0));
      if (lagReader.consumerLag) {
        for (const group of Object.values(CONSUMER_GROUPS)) {
          const partitions = await lagReader.consumerLag(group, DOCUMENT_EVENTS_TOPIC);
          for (const [partition, records] of partitions.entries())
            result.observe(lag, records ?? 0, { group, partition: String(partition) });
        }
        const depth = await lagReader.consumerLag(NEVER_READS, DOCUMENT_EVENTS_DLQ_TOPIC);
        result.observe(
          dlq,
          depth.reduce((sum, n) => sum + (n ?? 0), 0),
        );
      }
    } catch (error) {
      // A scrape must not fail the process; the gauges are simply missing from this scrape.
      log.warn("pipeline gauges unavailable", { error });
    }
  };
  meter.addBatchObservableCallback(callback, observables);
  return () => meter.removeBatchObservableCallback(callback, observables);
}
