-- Rooms and their append-only message logs: the truth every cursor and wake-up derives from.
-- The same schema as the SQLite migrations of the same version, in PostgreSQL's types.
CREATE TABLE rooms (
  id    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name  TEXT NOT NULL UNIQUE,
  floor TEXT NOT NULL CHECK (floor IN ('open', 'stick'))
);

CREATE TABLE messages (
  room      TEXT   NOT NULL REFERENCES rooms (name),
  seq       BIGINT NOT NULL,
  sender    TEXT   NOT NULL,
  actor     TEXT   NOT NULL,
  kind      TEXT   NOT NULL CHECK (kind IN ('chat', 'system')),
  content   TEXT   NOT NULL,
  timestamp TEXT   NOT NULL,
  mentions  TEXT   NOT NULL DEFAULT '[]',
  PRIMARY KEY (room, seq)
);
