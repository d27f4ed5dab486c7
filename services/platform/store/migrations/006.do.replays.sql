-- Replays started through AdminService.ReplayDocuments: what to run again and how far it got, so any
-- admin process can answer GetReplay and CancelReplay. replay_documents lists each document sent
-- back, with the sequence its re-queue event took: it has finished once its sequence moved past that
-- and its status is terminal again.
CREATE TABLE replays (
  id               uuid        PRIMARY KEY,
  filter           jsonb       NOT NULL,
  from_stage       smallint    NOT NULL,
  max_documents    integer     NOT NULL,
  state            smallint    NOT NULL,
  matched          integer     NOT NULL DEFAULT 0,
  skipped          integer     NOT NULL DEFAULT 0,
  cancel_requested boolean     NOT NULL DEFAULT false,
  created_by       text        NOT NULL,
  create_time      timestamptz NOT NULL DEFAULT now(),
  update_time      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE replay_documents (
  replay_id        uuid   NOT NULL REFERENCES replays (id),
  document_id      uuid   NOT NULL,
  requeue_sequence bigint NOT NULL,
  PRIMARY KEY (replay_id, document_id)
);
