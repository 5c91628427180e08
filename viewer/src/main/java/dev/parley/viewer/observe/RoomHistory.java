package dev.parley.viewer.observe;

import dev.parley.api.HistoryResult;

/**
 * Where {@code /observe/history} reads older messages: the daemon's stored log ({@link
 * dev.parley.extension.ExtensionContext#history}).
 */
@FunctionalInterface
public interface RoomHistory {

  /**
   * The newest messages of {@code room} before {@code beforeMessageId} (null: the newest of all),
   * oldest first, at most {@code limit}.
   *
   * @throws dev.parley.extension.HistoryException for an unknown room or message id
   */
  HistoryResult page(String room, String beforeMessageId, int limit);
}
