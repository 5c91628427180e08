package dev.parley.server.protocol;

import static dev.parley.server.testing.RpcClient.chatLines;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.testing.Daemon;
import dev.parley.server.testing.RpcClient;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Listening while writing: a push is interrupted by what arrived, and retries are safe. */
class InterruptionTest {
  @RegisterExtension static final Daemon server = Daemon.withDefaults();

  @Test
  void aPushAfterSomebodyElseSpokeIsInterruptedAndSendsNothing() {
    RpcClient a = server.login("A", "interrupt-1");
    RpcClient b = server.login("B", "interrupt-1");
    a.call("check", Map.of("timeout_ms", 0));
    a.call("append", Map.of("text", "I was going to say"));
    b.call("append", Map.of("text", "B speaks first"));
    assertThat(b.call("push").get("status").asInt()).isEqualTo(1);

    JsonNode interrupted = a.call("push");
    assertThat(interrupted.get("status").asInt()).isZero();
    assertThat(interrupted.get("interrupted").asBoolean()).isTrue();
    assertThat(interrupted.has("message_id")).isFalse();
    assertThat(chatLines(interrupted)).containsExactly("B: B speaks first");
    assertThat(chatLines(a.call("history"))).containsExactly("B: B speaks first");
    assertThat(a.call("preview").get("draft").asText()).isEqualTo("I was going to say");

    JsonNode sent = a.call("push");
    assertThat(sent.get("status").asInt()).isEqualTo(1);
    assertThat(sent.has("interrupted")).isFalse();
    assertThat(chatLines(b.call("check", Map.of("timeout_ms", 0))))
        .containsExactly("A: I was going to say");
    assertThat(a.call("preview").get("draft").asText()).isEmpty();
  }

  @Test
  void forceSendsAnyway() {
    RpcClient a = server.login("A", "interrupt-2");
    RpcClient b = server.login("B", "interrupt-2");
    a.call("check", Map.of("timeout_ms", 0));
    a.call("append", Map.of("text", "regardless"));
    b.call("append", Map.of("text", "hello"));
    b.call("push");
    JsonNode forced = a.call("push", Map.of("force", true));
    assertThat(forced.get("status").asInt()).isEqualTo(1);
    assertThat(chatLines(forced)).containsExactly("B: hello");
  }

  @Test
  void systemMessagesAreDeliveredButDoNotInterrupt() {
    RpcClient a = server.login("A", "interrupt-3");
    a.call("append", Map.of("text", "welcome"));
    server.login("C", "interrupt-3");
    JsonNode push = a.call("push");
    assertThat(push.get("status").asInt()).isEqualTo(1);
    assertThat(RpcClient.lines(push)).containsExactly("system: C has joined");
  }

  @Test
  void aRetriedPushWithTheSameTxnIdSendsOnce() {
    RpcClient a = server.login("A", "interrupt-4");
    RpcClient b = server.login("B", "interrupt-4");
    a.call("append", Map.of("text", "exactly once"));
    JsonNode first = a.call("push", Map.of("txn_id", "t-1"));
    JsonNode retry = a.call("push", Map.of("txn_id", "t-1"));
    assertThat(retry.get("status").asInt()).isEqualTo(1);
    assertThat(retry.get("message_id").asText()).isEqualTo(first.get("message_id").asText());
    assertThat(retry.get("timestamp").asText()).isEqualTo(first.get("timestamp").asText());
    assertThat(chatLines(b.call("history"))).containsExactly("A: exactly once");
    // A new txn_id is a new push: with an empty draft there is nothing to send.
    a.error("push", Map.of("txn_id", "t-2"), 40001);
  }

  @Test
  void anInterruptedPushDoesNotUseUpItsTxnId() {
    RpcClient a = server.login("A", "interrupt-5");
    RpcClient b = server.login("B", "interrupt-5");
    a.call("check", Map.of("timeout_ms", 0));
    a.call("append", Map.of("text", "second try"));
    b.call("append", Map.of("text", "first"));
    b.call("push");
    assertThat(a.call("push", Map.of("txn_id", "t-9")).get("interrupted").asBoolean()).isTrue();
    assertThat(a.call("push", Map.of("txn_id", "t-9")).get("status").asInt()).isEqualTo(1);
    assertThat(chatLines(b.call("history"))).containsExactly("B: first", "A: second try");
  }

  @Test
  void nothingIsDeliveredTwiceNorToItsSender() {
    RpcClient a = server.login("A", "interrupt-6");
    RpcClient b = server.login("B", "interrupt-6");
    a.call("check", Map.of("timeout_ms", 0));
    b.call("append", Map.of("text", "one"));
    b.call("push");
    assertThat(chatLines(a.call("participants"))).containsExactly("B: one");
    assertThat(chatLines(a.call("preview"))).isEmpty();
    assertThat(chatLines(b.call("preview"))).isEmpty();
  }
}
