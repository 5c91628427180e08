package dev.parley.server.store;

/**
 * A sent push as a retry with the same {@code txn_id} answers it: the message it sent.
 *
 * @param tokenHash the session's token hash
 * @param txnId the client's transaction id
 * @param seq the sequence number of the message the push sent
 * @param timestamp that message's timestamp
 */
public record PushReplay(String tokenHash, String txnId, long seq, String timestamp) {}
