-- Conversation control: who is behind each session, each room's options, and each chat
-- message's causal stamp. Rooms stored before options existed keep NULL: all options off.
ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'agent' CHECK (kind IN ('human', 'agent'));
ALTER TABLE rooms ADD COLUMN options TEXT;
ALTER TABLE messages ADD COLUMN based_on INTEGER;
ALTER TABLE messages ADD COLUMN stale INTEGER;
