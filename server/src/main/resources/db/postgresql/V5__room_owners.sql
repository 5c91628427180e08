-- Several daemons share one database: each room is served by one of them at a time, its owner.
-- The owner holds a session-level advisory lock on (class, lock_id) for as long as it lives, so a
-- node that dies (or whose connection drops) frees its rooms at once. epoch grows with every new
-- owner: each commit of the owner checks it in the same transaction, so a node that lost a room
-- cannot write after another node took it over.
CREATE TABLE room_owners (
  room     TEXT    PRIMARY KEY,
  lock_id  INTEGER GENERATED ALWAYS AS IDENTITY UNIQUE,
  node_url TEXT,
  epoch    BIGINT  NOT NULL DEFAULT 0
);

-- A secret the daemons of one database share (they already trust the database): a call one node
-- forwards to another carries it, so the owner may take the client's address from the forwarder.
CREATE TABLE cluster (
  id     INTEGER PRIMARY KEY CHECK (id = 1),
  secret TEXT    NOT NULL
);
INSERT INTO cluster (id, secret) VALUES (1, gen_random_uuid()::text || gen_random_uuid()::text);

-- Room events the owner of a room tells the other daemons of (their observers see every room):
-- a NOTIFY carries them, but one too large for a NOTIFY's payload waits here, read by id.
CREATE TABLE cluster_events (
  id      BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  payload TEXT        NOT NULL,
  created TIMESTAMPTZ NOT NULL DEFAULT now()
);
