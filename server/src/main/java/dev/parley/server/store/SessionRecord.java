package dev.parley.server.store;

import dev.parley.api.ParticipantKind;
import java.time.Instant;
import java.util.List;

/**
 * A session as stored: enough to take it back after a restart.
 *
 * @param tokenHash the SHA-256 of the session token (the token itself is never stored)
 * @param username the participant's name
 * @param room the room it is in
 * @param cursor the highest sequence number delivered to it
 * @param draft the draft's segments, oldest first
 * @param lastActive when it last made a call
 * @param kind whether a person or a program holds it
 * @param moderator whether it may moderate its room
 * @param sinceSeq the first sequence number delivered to it (the oldest message of its login's
 *     context): what the seen receipts count from
 */
public record SessionRecord(
    String tokenHash,
    String username,
    String room,
    long cursor,
    List<String> draft,
    Instant lastActive,
    ParticipantKind kind,
    boolean moderator,
    long sinceSeq) {}
