-- The dead-letter topic, indexed for operators (AdminService): one row per record of
-- docmesh.document-events.v1.dlq, keyed by its position there, so reading the topic again
-- changes nothing. A redrive is recorded on the row and publishes through the outbox in the
-- same transaction: a dead letter is published again at most once.
CREATE TABLE dead_letters (
  dlq_partition      integer     NOT NULL,
  dlq_offset         bigint      NOT NULL,
  -- The original record, bytes and headers as they were (value in the wire format).
  record_key         text        NOT NULL,
  record_value       bytea       NOT NULL,
  record_headers     jsonb       NOT NULL,
  -- Decoded from the value when it is a DocumentEvent (else empty, with decode_error).
  tenant             text        NOT NULL DEFAULT '',
  document_id        uuid,
  event_id           uuid,
  decode_error       text        NOT NULL DEFAULT '',
  -- From the dlq.* headers.
  consumer_group     text        NOT NULL DEFAULT '',
  error              text        NOT NULL DEFAULT '',
  attempts           integer     NOT NULL DEFAULT 0,
  original_topic     text        NOT NULL DEFAULT '',
  original_partition integer     NOT NULL DEFAULT -1,
  original_offset    bigint      NOT NULL DEFAULT -1,
  dead_letter_time   timestamptz NOT NULL,
  redrive_time       timestamptz,
  redriven_by        text        NOT NULL DEFAULT '',
  PRIMARY KEY (dlq_partition, dlq_offset)
);
CREATE INDEX dead_letters_time ON dead_letters (dead_letter_time, dlq_partition, dlq_offset);
CREATE INDEX dead_letters_pending ON dead_letters (consumer_group) WHERE redrive_time IS NULL;
