package dev.parley.server.protocol;

import static dev.parley.server.protocol.RoomSteps.BOUND;
import static dev.parley.server.protocol.RoomSteps.awaitState;
import static dev.parley.server.protocol.RoomSteps.say;
import static dev.parley.server.protocol.RoomSteps.stateOf;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.ServerLimits;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The blocking {@code check}: how it waits, what wakes it and what ends it. */
class CheckTest {
  /**
   * Longer than any bound below, so only a wake (never the timeout) can end such a check in time.
   */
  private static final int LONG_MS = 60_000;

  @Test
  void wakesWhenAnotherParticipantPushes() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      RpcClient alice = server.login("alice");
      RpcClient bob = server.login("bob");

      CompletableFuture<JsonNode> check = bob.callAsync("check", Map.of("timeout_ms", LONG_MS));
      // Push only once the check is really parked, so that it is the push that wakes it.
      awaitState(alice, "bob", "waiting");
      JsonNode sent = say(alice, "anyone here?");

      JsonNode result = check.get(BOUND.toMillis(), MILLISECONDS);
      assertThat(result.get("status").asInt()).isEqualTo(1);
      assertThat(result.get("messages")).hasSize(1);
      JsonNode m = result.get("messages").get(0);
      assertThat(m.get("message_id").asText()).isEqualTo(sent.get("message_id").asText());
      assertThat(m.get("sender_id").asText()).isEqualTo("alice");
      assertThat(m.get("content").asText()).isEqualTo("anyone here?");
      assertThat(m.get("kind").asText()).isEqualTo("chat");
      assertThat(stateOf(alice.call("participants"), "bob")).isEqualTo("idle");
    }
  }

  @Test
  void returnsAtOnceWhenAMessageIsAlreadyUndelivered() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      RpcClient alice = server.login("alice");
      RpcClient bob = server.login("bob");
      JsonNode sent = say(alice, "are you there?");

      // The bound is shorter than the check's timeout: waiting for the timeout fails the get.
      JsonNode result =
          bob.callAsync("check", Map.of("timeout_ms", LONG_MS)).get(BOUND.toMillis(), MILLISECONDS);
      assertThat(result.get("status").asInt()).isEqualTo(1);
      assertThat(ids(result)).containsExactly(sent.get("message_id").asText());
    }
  }

  @Test
  void timesOutWithStatusZeroAndNoMessages() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      RpcClient alice = server.login("alice");
      RpcClient bob = server.login("bob");

      JsonNode result = bob.call("check", Map.of("timeout_ms", 50));
      assertThat(result.get("status").asInt()).isEqualTo(0);
      assertThat(result.get("messages")).isEmpty();
      // A check that has ended leaves its session idle, not waiting.
      assertThat(stateOf(alice.call("participants"), "bob")).isEqualTo("idle");
    }
  }

  @Test
  void aTooLargeTimeoutIsCutToTheCap() throws Exception {
    ServerLimits capped = ServerLimits.defaults().withCheckTimeoutCapMs(300);
    try (RunningServer server = RunningServer.start(capped)) {
      JsonNode login = server.client().call("login", Map.of("username", "bob"));
      assertThat(login.get("limits").get("check_timeout_cap_ms").asLong()).isEqualTo(300);
      RpcClient bob = server.client().withSession(login.get("session").asText());

      // An hour asked, 300 ms granted: the bound only tells a capped check from a hang.
      JsonNode result =
          bob.callAsync("check", Map.of("timeout_ms", 3_600_000))
              .get(BOUND.toMillis(), MILLISECONDS);
      assertThat(result.get("status").asInt()).isEqualTo(0);
      assertThat(result.get("messages")).isEmpty();
    }
  }

  @Test
  void wakeOnMentionIgnoresOtherMessagesAndDeliversThemWithTheMention() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      RpcClient alice = server.login("alice");
      RpcClient carol = server.login("carol");
      RpcClient bob = server.login("Bob");

      CompletableFuture<JsonNode> check =
          bob.callAsync("check", Map.of("timeout_ms", LONG_MS, "wake_on", "mention"));
      awaitState(alice, "Bob", "waiting");
      // Mentions carol, and @bobby is not @Bob: neither may wake Bob.
      JsonNode other = say(alice, "@carol, what does @bobby think?");
      assertThat(stateOf(carol.call("participants"), "Bob")).isEqualTo("waiting");
      assertThat(check).isNotDone();
      // The name in lower case still names Bob.
      JsonNode mention = say(carol, "and you, @bob?");

      JsonNode result = check.get(BOUND.toMillis(), MILLISECONDS);
      assertThat(result.get("status").asInt()).isEqualTo(1);
      // Woken by the mention only, with everything undelivered, oldest first.
      assertThat(ids(result))
          .containsExactly(other.get("message_id").asText(), mention.get("message_id").asText());
      assertThat(result.get("messages").get(0).get("mentions"))
          .extracting(JsonNode::asText)
          .containsExactly("carol");
      assertThat(result.get("messages").get(1).get("mentions"))
          .extracting(JsonNode::asText)
          .containsExactly("Bob");
    }
  }

  @Test
  void aCheckPendingWhileItsSessionLogsOutEndsWithNotLoggedIn() throws Exception {
    try (RunningServer server = RunningServer.start();
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      RpcClient alice = server.login("alice");
      RpcClient bob = server.login("bob");

      CompletableFuture<JsonNode> check =
          CompletableFuture.supplyAsync(
              () -> bob.error("check", Map.of("timeout_ms", LONG_MS), 40010), threads);
      awaitState(alice, "bob", "waiting");
      // Another client with the same token, as a second process of the same agent would be.
      JsonNode logout = server.client().withSession(bob.session()).call("logout");
      assertThat(logout.get("status").asInt()).isEqualTo(1);

      JsonNode error = check.get(BOUND.toMillis(), MILLISECONDS);
      assertThat(error.get("data").get("reason").asText()).isEqualTo("expired");
      assertThat(stateOf(alice.call("participants"), "bob")).isNull();
    }
  }

  private static List<String> ids(JsonNode result) {
    return result.get("messages").findValuesAsText("message_id");
  }
}
