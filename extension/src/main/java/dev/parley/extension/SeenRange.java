package dev.parley.extension;

/**
 * What one participant of a room has been delivered: every message it did not cause itself from
 * {@code sinceSeq} through {@code cursor}. Older messages were never handed to it (its login's
 * context began at {@code sinceSeq}).
 *
 * @param username the participant
 * @param sinceSeq the first sequence number delivered to it
 * @param cursor the highest sequence number delivered to it
 */
public record SeenRange(String username, long sinceSeq, long cursor) {}
