-- Sessions survive a restart: their draft, cursor, used txn_ids, and the room's floor holder.
-- Only a hash of each token is kept. PostgreSQL has no rowid: an identity column keeps the order
-- of creation that SQLite's rowid gives.
CREATE TABLE sessions (
  id          BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  token_hash  TEXT   PRIMARY KEY,
  username    TEXT   NOT NULL,
  room        TEXT   NOT NULL REFERENCES rooms (name),
  cursor      BIGINT NOT NULL,
  draft       TEXT   NOT NULL DEFAULT '[]',
  last_active BIGINT NOT NULL
);

CREATE TABLE push_txns (
  id         BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  token_hash TEXT NOT NULL REFERENCES sessions (token_hash) ON DELETE CASCADE,
  txn_id     TEXT NOT NULL,
  result     TEXT NOT NULL,
  PRIMARY KEY (token_hash, txn_id)
);

ALTER TABLE rooms ADD COLUMN stick_holder TEXT;
ALTER TABLE rooms ADD COLUMN stick_claimed_at BIGINT;
