-- Seen receipts: the first sequence number delivered to each session (the oldest message of its
-- login's context), so that a restart still knows what it was never handed. Sessions stored
-- before this column existed count from the room's first message.
ALTER TABLE sessions ADD COLUMN since_seq INTEGER NOT NULL DEFAULT 1;
