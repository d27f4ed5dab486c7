// Reads the per-document progress log: every event a document has had, by sequence.
import { fromBinary } from "@bufbuild/protobuf";
import { type DocumentEvent, DocumentEventSchema } from "../../../gen/docmesh/events/v1/document_event_pb.ts";
import type { SqlDatabase } from "./sql.ts";

interface ProgressRow {
  payload: Uint8Array;
}

const decode = (rows: ProgressRow[]) =>
  rows.map((r) => fromBinary(DocumentEventSchema, new Uint8Array(r.payload)));

export class ProgressStore {
  constructor(private readonly db: SqlDatabase) {}

  async documentEvents(tenant: string, documentId: string, afterSequence: number): Promise<DocumentEvent[]> {
    const { rows } = await this.db.query<ProgressRow>(
      "SELECT payload FROM progress_log WHERE document_id = $1 AND tenant = $2 AND sequence > $3 ORDER BY sequence",
      [documentId, tenant, afterSequence],
    );
    return decode(rows);
  }

  async batchEvents(tenant: string, batchId: string): Promise<DocumentEvent[]> {
    const { rows } = await this.db.query<ProgressRow>(
      "SELECT payload FROM progress_log WHERE batch_id = $1 AND tenant = $2 ORDER BY document_id, sequence",
      [batchId, tenant],
    );
    return decode(rows);
  }
}
