-- Draft edits (append, undo, reset) made with a txn_id are remembered like pushes, as the
-- fields a retry answers with; they go with the session, and with its draft in the same batch.
CREATE TABLE draft_replays (
  id           BIGINT  GENERATED ALWAYS AS IDENTITY UNIQUE,
  token_hash   TEXT    NOT NULL REFERENCES sessions (token_hash) ON DELETE CASCADE,
  method       TEXT    NOT NULL CHECK (method IN ('append', 'undo', 'reset')),
  txn_id       TEXT    NOT NULL,
  status       INTEGER NOT NULL,
  suffix       TEXT,
  draft_length INTEGER,
  truncated    INTEGER,
  PRIMARY KEY (token_hash, method, txn_id)
);
