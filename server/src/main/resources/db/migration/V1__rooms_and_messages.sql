-- Rooms and their append-only message logs: the truth every cursor and wake-up derives from.
CREATE TABLE rooms (
  id    INTEGER PRIMARY KEY,
  name  TEXT NOT NULL UNIQUE,
  floor TEXT NOT NULL CHECK (floor IN ('open', 'stick'))
);

CREATE TABLE messages (
  room      TEXT    NOT NULL REFERENCES rooms (name),
  seq       INTEGER NOT NULL,
  sender    TEXT    NOT NULL,
  actor     TEXT    NOT NULL,
  kind      TEXT    NOT NULL CHECK (kind IN ('chat', 'system')),
  content   TEXT    NOT NULL,
  timestamp TEXT    NOT NULL,
  mentions  TEXT    NOT NULL DEFAULT '[]',
  PRIMARY KEY (room, seq)
) WITHOUT ROWID;
