-- Wakes outbox relays (LISTEN docmesh_outbox) when a transaction adds outbox rows, so a relay in
-- another process publishes at once instead of at its next poll. PostgreSQL delivers the
-- notification at commit, and folds repeats within one transaction into one.
CREATE FUNCTION notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('docmesh_outbox', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION notify_outbox();
