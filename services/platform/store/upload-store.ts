// Large uploads in progress: created with a presigned PUT, finished by CompleteUpload.
// `object_key` is the upload's own staging key, the one its URL writes to.
import type { SqlDatabase } from "./sql.ts";

export interface UploadRow {
  id: string;
  tenant: string;
  file_name: string;
  size_bytes: number;
  sha256: string;
  declared_media_type: string;
  batch_id: string | null;
  correlation_id: string;
  object_key: string;
  expire_time: Date;
  document_id: string | null;
}

export class UploadStore {
  constructor(private readonly db: SqlDatabase) {}

  async create(row: Omit<UploadRow, "document_id">): Promise<void> {
    await this.db.query(
      `INSERT INTO uploads (id, tenant, file_name, size_bytes, sha256, declared_media_type, batch_id, correlation_id,
                            object_key, expire_time)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        row.id,
        row.tenant,
        row.file_name,
        row.size_bytes,
        row.sha256,
        row.declared_media_type,
        row.batch_id,
        row.correlation_id,
        row.object_key,
        row.expire_time,
      ],
    );
  }

  async get(tenant: string, id: string): Promise<UploadRow | undefined> {
    const { rows } = await this.db.query<UploadRow>("SELECT * FROM uploads WHERE id = $1 AND tenant = $2", [
      id,
      tenant,
    ]);
    return rows[0];
  }

  /** Any tenant's upload: for the sweep of staged bytes, never for answering a caller. */
  async findById(id: string): Promise<UploadRow | undefined> {
    const { rows } = await this.db.query<UploadRow>("SELECT * FROM uploads WHERE id = $1", [id]);
    return rows[0];
  }

  async markCompleted(id: string, documentId: string): Promise<void> {
    await this.db.query("UPDATE uploads SET document_id = $2 WHERE id = $1", [id, documentId]);
  }
}
