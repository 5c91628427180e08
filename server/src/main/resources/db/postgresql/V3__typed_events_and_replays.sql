-- System messages carry their structure (what happened, to whom), so that no reader parses the
-- English wording; older rows get it from the wording the daemon wrote then.
ALTER TABLE messages ADD COLUMN event_type TEXT;
ALTER TABLE messages ADD COLUMN event_user TEXT;

UPDATE messages SET event_type = 'expired', event_user = substr(content, 1, length(content) - 27)
  WHERE kind = 'system' AND content LIKE '% has left (session expired)';
UPDATE messages SET event_type = 'joined', event_user = substr(content, 1, length(content) - 11)
  WHERE kind = 'system' AND event_type IS NULL AND content LIKE '% has joined';
UPDATE messages SET event_type = 'left', event_user = substr(content, 1, length(content) - 9)
  WHERE kind = 'system' AND event_type IS NULL AND content LIKE '% has left';
UPDATE messages SET event_type = 'stick_claimed', event_user = substr(content, 1, length(content) - 22)
  WHERE kind = 'system' AND event_type IS NULL AND content LIKE '% has the talking stick';
UPDATE messages SET event_type = 'stick_released', event_user = substr(content, 1, length(content) - 27)
  WHERE kind = 'system' AND event_type IS NULL AND content LIKE '% released the talking stick';
UPDATE messages SET event_type = 'stick_expired', event_user = substr(content, 22, length(content) - 29)
  WHERE kind = 'system' AND event_type IS NULL AND content LIKE 'the talking stick of % expired';

-- A remembered push is stored as the fields a retry answers with, not as wire JSON.
CREATE TABLE push_replays (
  id         BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  token_hash TEXT   NOT NULL REFERENCES sessions (token_hash) ON DELETE CASCADE,
  txn_id     TEXT   NOT NULL,
  seq        BIGINT NOT NULL,
  timestamp  TEXT   NOT NULL,
  PRIMARY KEY (token_hash, txn_id)
);
INSERT INTO push_replays (token_hash, txn_id, seq, timestamp)
  SELECT token_hash, txn_id, CAST(substr(result::json ->> 'message_id', 5) AS BIGINT),
         result::json ->> 'timestamp'
  FROM push_txns ORDER BY id;
DROP TABLE push_txns;
