package dev.parley.server.store;

/**
 * A draft edit ({@code append}, {@code undo} or {@code reset}) that changed the draft or the floor,
 * as a retry with the same {@code txn_id} answers it: the fields of its first result, without the
 * messages that result delivered.
 *
 * @param tokenHash the session's token hash
 * @param method the wire name of the edit: {@code append}, {@code undo} or {@code reset}
 * @param txnId the client's transaction id
 * @param status the first result's status
 * @param suffix the first result's {@code suffix}, or null for {@code reset}
 * @param draftLength the first result's {@code draft_length}, or null for {@code reset}
 * @param truncated the first result's {@code truncated}, or null when it had none
 */
public record DraftReplay(
    String tokenHash,
    String method,
    String txnId,
    int status,
    String suffix,
    Integer draftLength,
    Integer truncated) {}
