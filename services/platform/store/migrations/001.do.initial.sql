-- Documents, batches and uploads; the transactional outbox; the per-document
-- progress log; idempotency keys of applied events; the human change log.

CREATE TABLE batches (
  id             uuid PRIMARY KEY,
  tenant         text        NOT NULL,
  display_name   text        NOT NULL DEFAULT '',
  correlation_id text        NOT NULL DEFAULT '',
  create_time    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE documents (
  id                  uuid PRIMARY KEY,
  tenant              text        NOT NULL,
  file_name           text        NOT NULL,
  media_type          text        NOT NULL,
  size_bytes          bigint      NOT NULL,
  sha256              text        NOT NULL,
  batch_id            uuid        REFERENCES batches (id),
  correlation_id      text        NOT NULL,
  object_key          text        NOT NULL,
  status              smallint    NOT NULL,
  category            smallint    NOT NULL DEFAULT 0,
  category_confidence real        NOT NULL DEFAULT 0,
  fields              jsonb,
  missing_fields      text[]      NOT NULL DEFAULT '{}',
  failure_reason      text        NOT NULL DEFAULT '',
  page_count          integer     NOT NULL DEFAULT 0,
  language            text        NOT NULL DEFAULT '',
  stage_timings       jsonb       NOT NULL DEFAULT '[]',
  sequence            bigint      NOT NULL DEFAULT 0,
  version             bigint      NOT NULL DEFAULT 1,
  updated_by          text        NOT NULL DEFAULT '',
  create_time         timestamptz NOT NULL DEFAULT now(),
  update_time         timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT documents_tenant_sha256 UNIQUE (tenant, sha256)
);
CREATE INDEX documents_tenant_created ON documents (tenant, create_time DESC, id DESC);
CREATE INDEX documents_batch ON documents (batch_id);

CREATE TABLE uploads (
  id                  uuid PRIMARY KEY,
  tenant              text        NOT NULL,
  file_name           text        NOT NULL,
  size_bytes          bigint      NOT NULL,
  sha256              text        NOT NULL,
  declared_media_type text        NOT NULL DEFAULT '',
  batch_id            uuid        REFERENCES batches (id),
  correlation_id      text        NOT NULL,
  object_key          text        NOT NULL,
  expire_time         timestamptz NOT NULL,
  document_id         uuid
);

-- Rows wait here until the relay has published them; id order is commit order per document.
CREATE TABLE outbox (
  id          bigserial PRIMARY KEY,
  document_id uuid        NOT NULL,
  topic       text        NOT NULL,
  payload     bytea       NOT NULL,
  headers     jsonb       NOT NULL DEFAULT '{}',
  create_time timestamptz NOT NULL DEFAULT now()
);

-- Every progress update ever emitted, so a watcher can resume exactly where it left off.
CREATE TABLE progress_log (
  document_id uuid   NOT NULL,
  sequence    bigint NOT NULL,
  tenant      text   NOT NULL,
  batch_id    uuid,
  payload     bytea  NOT NULL,
  PRIMARY KEY (document_id, sequence)
);
CREATE INDEX progress_log_batch ON progress_log (batch_id, document_id, sequence);

-- Event ids a consumer has applied: a redelivered event is recognised and skipped.
CREATE TABLE processed_events (
  consumer     text        NOT NULL,
  event_id     uuid        NOT NULL,
  process_time timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

CREATE TABLE document_changes (
  id                bigserial PRIMARY KEY,
  document_id       uuid        NOT NULL,
  tenant            text        NOT NULL,
  actor             text        NOT NULL,
  change_time       timestamptz NOT NULL DEFAULT now(),
  changed_paths     text[]      NOT NULL,
  reason            text        NOT NULL DEFAULT '',
  previous_category smallint    NOT NULL,
  previous_fields   jsonb
);
CREATE INDEX document_changes_document ON document_changes (document_id, id DESC);
