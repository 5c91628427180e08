-- Sessions survive a restart: their draft, cursor, used txn_ids, and the room's floor holder.
-- Only a hash of each token is kept.
CREATE TABLE sessions (
  token_hash  TEXT    PRIMARY KEY,
  username    TEXT    NOT NULL,
  room        TEXT    NOT NULL REFERENCES rooms (name),
  cursor      INTEGER NOT NULL,
  draft       TEXT    NOT NULL DEFAULT '[]',
  last_active INTEGER NOT NULL
);

CREATE TABLE push_txns (
  token_hash TEXT NOT NULL REFERENCES sessions (token_hash) ON DELETE CASCADE,
  txn_id     TEXT NOT NULL,
  result     TEXT NOT NULL,
  PRIMARY KEY (token_hash, txn_id)
);

ALTER TABLE rooms ADD COLUMN stick_holder TEXT;
ALTER TABLE rooms ADD COLUMN stick_claimed_at INTEGER;
