// The topics Docmesh owns. See docs/events.md.

/** Every lifecycle event of every document; key = document id. */
export const DOCUMENT_EVENTS_TOPIC = "docmesh.document-events.v1";
/** Records a stage could not process, with dlq.* headers saying why. */
export const DOCUMENT_EVENTS_DLQ_TOPIC = "docmesh.document-events.v1.dlq";

/** Consumer groups: one per stage. */
export const GROUPS = {
  classifier: "docmesh.classifier",
  extractor: "docmesh.extractor",
  indexer: "docmesh.indexer",
} as const;

export function topicSpecs(partitions: number) {
  const week = 7 * 24 * 60 * 60 * 1000;
  return [
    { name: DOCUMENT_EVENTS_TOPIC, partitions, retentionMs: week },
    { name: DOCUMENT_EVENTS_DLQ_TOPIC, partitions, retentionMs: 4 * week },
  ];
}
