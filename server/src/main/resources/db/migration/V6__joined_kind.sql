-- A joined system message says whether a person or a program joined (NULL before, and on the
-- other events), so that observers and a replayed log show it without asking.
ALTER TABLE messages ADD COLUMN event_kind TEXT CHECK (event_kind IN ('human', 'agent'));
