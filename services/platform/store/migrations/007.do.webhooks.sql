-- Signed webhooks (services/webhooks, docs/webhooks.md). An endpoint belongs to one tenant and holds
-- the secret deliveries are signed with. A delivery is one event for one endpoint: the unique key
-- makes a re-read event (a Kafka redelivery, two intake processes) one delivery, and its state moves
-- PENDING (1) → SUCCEEDED (2) or FAILED (3) only under the lease of the process that sent it.
CREATE TABLE webhook_endpoints (
  id                 uuid        PRIMARY KEY,
  tenant             text        NOT NULL,
  url                text        NOT NULL,
  event_types        smallint[]  NOT NULL DEFAULT '{}',
  description        text        NOT NULL DEFAULT '',
  secret             text        NOT NULL,
  create_time        timestamptz NOT NULL DEFAULT now(),
  secret_rotate_time timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_by_tenant ON webhook_endpoints (tenant, create_time DESC, id DESC);

CREATE TABLE webhook_deliveries (
  id                 uuid        PRIMARY KEY,
  endpoint_id        uuid        NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  event_id           text        NOT NULL,
  event_type         smallint    NOT NULL,
  document_id        text        NOT NULL,
  -- The exact JSON body POSTed (and signed) on every attempt.
  body               text        NOT NULL,
  state              smallint    NOT NULL DEFAULT 1,
  attempts           integer     NOT NULL DEFAULT 0,
  -- Attempts since the delivery was created or redelivered; the retry limit counts these.
  round_attempts     integer     NOT NULL DEFAULT 0,
  last_response_code integer     NOT NULL DEFAULT 0,
  last_error         text        NOT NULL DEFAULT '',
  create_time        timestamptz NOT NULL DEFAULT now(),
  next_attempt_time  timestamptz NOT NULL DEFAULT now(),
  deliver_time       timestamptz,
  -- Set while a process sends it; an expired lease lets another process take over.
  lease_id           uuid,
  lease_expire_time  timestamptz,
  UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_time) WHERE state = 1;
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (endpoint_id, create_time DESC, id DESC);
