-- Moderation and the loop guard: who sent each chat message (a person or a program), the
-- moderator and bound of each moderation event, whether a session moderates, and each room's
-- moderation state (its creator, a pause, mutes and removals) as JSON. NULL before: no state.
ALTER TABLE messages ADD COLUMN sender_kind TEXT CHECK (sender_kind IN ('human', 'agent'));
ALTER TABLE messages ADD COLUMN event_by TEXT;
ALTER TABLE messages ADD COLUMN event_until TEXT;
ALTER TABLE messages ADD COLUMN event_count INTEGER;
ALTER TABLE sessions ADD COLUMN moderator BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE rooms ADD COLUMN controls TEXT;
