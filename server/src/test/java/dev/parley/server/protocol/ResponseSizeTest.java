package dev.parley.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.ServerConfig;
import dev.parley.server.ServerLimits;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What one answer carries is bounded in bytes as well as in messages: a long backlog of large
 * messages comes over several answers, each within the limit, every message exactly once.
 */
class ResponseSizeTest {
  private static final int RESPONSE_BYTES = 64 * 1024;

  /** Slack for the envelope and the result's own fields around the messages. */
  private static final int ENVELOPE = 1024;

  private static String text(int i) {
    return ("message " + i + " ").repeat(1000);
  }

  /** Drafts {@code text} in appends of at most the default 1000 characters, then pushes it. */
  private static void say(RpcClient who, String text) {
    for (int from = 0; from < text.length(); from += 1000) {
      who.call(
          "append", Map.of("text", text.substring(from, Math.min(text.length(), from + 1000))));
    }
    who.call("push");
  }

  private static ServerConfig config() {
    ServerLimits limits = ServerLimits.defaults().withResponse(500, RESPONSE_BYTES).withRate(0, 1);
    return ServerConfig.ephemeral().withLimits(limits);
  }

  @Test
  void aLargeBacklogComesOverSeveralAnswersEachWithinTheLimit() throws Exception {
    try (RunningServer server =
        RunningServer.start(config().withRoomDefaults(RunningServer.AGENTS_ONLY))) {
      RpcClient ada = server.login("ada", "big");
      RpcClient bob = server.login("bob", "big");
      assertThat(bob.call("participants").path("messages").size()).isEqualTo(0);
      int sent = 60;
      for (int i = 0; i < sent; i++) {
        say(ada, text(i));
      }
      List<String> received = new ArrayList<>();
      int answers = 0;
      while (received.size() < sent) {
        HttpResponse<String> answer =
            bob.post(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"check\",\"params\":{\"timeout_ms\":0}}");
        int bytes = answer.body().getBytes(StandardCharsets.UTF_8).length;
        assertThat(bytes).isLessThanOrEqualTo(RESPONSE_BYTES + ENVELOPE);
        JsonNode messages = RpcClient.parse(answer.body()).path("result").path("messages");
        assertThat(messages.size()).isPositive();
        messages.forEach(m -> received.add(m.path("content").asText()));
        answers++;
      }
      assertThat(answers).isGreaterThan(sent * text(0).length() / RESPONSE_BYTES);
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < sent; i++) {
        expected.add(text(i));
      }
      assertThat(received).containsExactlyElementsOf(expected);
      assertThat(bob.call("check", Map.of("timeout_ms", 0)).path("status").asInt()).isZero();
    }
  }

  @Test
  void loginAndHistoryStayWithinTheLimitAndLimitsReportIt() throws Exception {
    try (RunningServer server =
        RunningServer.start(config().withRoomDefaults(RunningServer.AGENTS_ONLY))) {
      RpcClient ada = server.login("ada", "big");
      for (int i = 0; i < 20; i++) {
        say(ada, text(i));
      }
      JsonNode login = server.client().call("login", Map.of("username", "bob", "room", "big"));
      assertThat(login.path("limits").path("response_bytes").asInt()).isEqualTo(RESPONSE_BYTES);
      assertThat(login.path("limits").path("response_messages").asInt()).isEqualTo(500);
      JsonNode context = login.path("messages");
      assertThat(context.size()).isPositive();
      assertThat(context.toString().length()).isLessThanOrEqualTo(RESPONSE_BYTES);
      // The newest messages are the ones kept.
      assertThat(context.get(context.size() - 1).path("content").asText()).isEqualTo(text(19));

      RpcClient bob = ada.withSession(login.path("session").asText());
      JsonNode page = bob.call("history", Map.of("after", 0, "limit", 200));
      assertThat(page.path("has_more").asBoolean()).isTrue();
      assertThat(page.path("messages").size()).isPositive();
      assertThat(page.path("messages").toString().length()).isLessThanOrEqualTo(RESPONSE_BYTES);
      assertThat(page.path("messages").get(0).path("message_id").asText()).isEqualTo("msg-1");
      JsonNode newest = bob.call("history", Map.of("limit", 200));
      assertThat(newest.path("has_more").asBoolean()).isTrue();
      JsonNode last = newest.path("messages").get(newest.path("messages").size() - 1);
      assertThat(last.path("content").asText()).isEqualTo("bob has joined");
    }
  }

  @Test
  void nonAsciiIsWrittenAsUtf8NotEscaped() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      RpcClient ada = server.login("ada", "emoji");
      HttpResponse<String> answer =
          ada.post(
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"append\",\"params\":{\"text\":\"h\\u00e9llo \\ud83d\\ude00\"}}");
      assertThat(answer.body())
          .contains("\"suffix\":\"h\u00e9llo \ud83d\ude00\"")
          .doesNotContain("\\u");
    }
  }
}
