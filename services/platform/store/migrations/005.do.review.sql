-- The human review queue (ReviewService). A task is not a row: every NEEDS_REVIEW (6) or PARTIAL
-- (7) document is one. A claim is a lease on it, valid while unexpired and while the document is
-- still at the version it was claimed at (a reprocess or an edit ends it). A completed review is
-- kept with the values before and after, for stats and the golden-set export; both go with the
-- document when it is deleted.
CREATE TABLE review_claims (
  document_id      uuid        PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
  tenant           text        NOT NULL,
  reviewer         text        NOT NULL,
  document_version bigint      NOT NULL,
  claim_time       timestamptz NOT NULL DEFAULT now(),
  expire_time      timestamptz NOT NULL
);

CREATE TABLE review_completions (
  id                bigserial   PRIMARY KEY,
  document_id       uuid        NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  tenant            text        NOT NULL,
  reviewer          text        NOT NULL,
  complete_time     timestamptz NOT NULL DEFAULT now(),
  changed_paths     text[]      NOT NULL,
  kept_in_review    boolean     NOT NULL,
  comment           text        NOT NULL DEFAULT '',
  previous_category smallint    NOT NULL,
  previous_fields   jsonb,
  category          smallint    NOT NULL,
  fields            jsonb
);
CREATE INDEX review_completions_tenant ON review_completions (tenant, complete_time, id);
CREATE INDEX review_completions_document ON review_completions (document_id);

-- The queue, oldest first, without scanning every document of the tenant.
CREATE INDEX documents_review_queue ON documents (tenant, update_time, id) WHERE status IN (6, 7);
