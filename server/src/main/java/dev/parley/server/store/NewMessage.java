package dev.parley.server.store;

import dev.parley.api.MessageKind;
import java.time.Instant;
import java.util.List;

/**
 * A message about to be appended to a room's log; the store assigns its sequence number.
 *
 * @param senderId the sender's username, or {@code system}
 * @param actor the username whose action caused it
 * @param kind chat or system
 * @param content the text
 * @param timestamp when it was sent
 * @param mentions the participants it names
 */
public record NewMessage(String senderId, String actor, MessageKind kind, String content,
    Instant timestamp, List<String> mentions) {}
