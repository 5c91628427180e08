package dev.parley.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.testing.RpcClient;
import java.time.Duration;
import java.util.Map;

/** Steps the protocol tests share: speaking, draining, and waiting for a presence state. */
final class RoomSteps {
  /** How long any wait may take before the test fails: a guard against hangs, not a timing goal. */
  static final Duration BOUND = Duration.ofSeconds(30);

  private RoomSteps() {}

  /** {@code who} appends {@code text} and pushes it, which must send; returns the push result. */
  static JsonNode say(RpcClient who, String text) {
    who.call("append", Map.of("text", text));
    JsonNode push = who.call("push");
    assertThat(push.get("status").asInt()).as("push of %s: %s", text, push).isEqualTo(1);
    return push;
  }

  /** Takes whatever is undelivered to {@code who} without waiting; returns the check result. */
  static JsonNode drain(RpcClient who) {
    // A response delivers at most 500 messages: check until nothing is left.
    JsonNode last;
    do {
      last = who.call("check", Map.of("timeout_ms", 0));
    } while (last.get("status").asInt() == 1);
    return last;
  }

  /** The presence state of {@code username} in a {@code participants} result, or null. */
  static String stateOf(JsonNode participants, String username) {
    for (JsonNode p : participants.get("participants")) {
      if (p.get("username").asText().equals(username)) {
        return p.get("state").asText();
      }
    }
    return null;
  }

  /**
   * Waits, at most {@link #BOUND}, until {@code observer} sees {@code username} in {@code state}.
   */
  static void awaitState(RpcClient observer, String username, String state) {
    await()
        .atMost(BOUND)
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(
            () -> assertThat(stateOf(observer.call("participants"), username)).isEqualTo(state));
  }
}
