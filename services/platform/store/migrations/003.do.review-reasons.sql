-- Why a document is NEEDS_REVIEW or PARTIAL, one entry per field: the JSON of
-- docmesh.document.v1.ReviewReason messages, set by the indexer with the terminal status.
ALTER TABLE documents ADD COLUMN review_reasons jsonb NOT NULL DEFAULT '[]';
