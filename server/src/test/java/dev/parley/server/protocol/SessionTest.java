package dev.parley.server.protocol;

import static dev.parley.server.testing.RpcClient.lines;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.ServerLimits;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Login, resume, logout, expiry, identity and the rate limit. */
class SessionTest {

  @Test
  void loginReportsParticipantsTheRecentTailAndTheLimits() throws Exception {
    try (RunningServer server = RunningServer.agentsOnly()) {
      RpcClient a = server.login("A", "tail");
      for (int i = 1; i <= 25; i++) {
        a.call("append", Map.of("text", "m" + i));
        a.call("push");
      }
      JsonNode login = server.client().call("login", Map.of("username", "B", "room", "tail"));
      assertThat(login.get("messages")).hasSize(20);
      assertThat(login.get("messages").get(19).get("content").asText()).isEqualTo("m25");
      assertThat(login.get("participants").findValuesAsText("username")).containsExactly("A", "B");
      assertThat(login.get("limits").get("append_chars").asInt()).isEqualTo(1000);
      assertThat(login.get("limits").get("check_timeout_default_ms").asInt()).isEqualTo(25000);
      assertThat(login.get("resumed").asBoolean()).isFalse();
      // The joiner's cursor starts after its own join: nothing old is delivered again.
      RpcClient b = server.client().withSession(login.get("session").asText());
      assertThat(lines(b.call("preview"))).isEmpty();
      assertThat(lines(a.call("preview"))).containsExactly("system: B has joined");
    }
  }

  @Test
  void usernamesAreUniquePerRoomIgnoringCaseAndSystemIsReserved() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      server.login("claude", "names");
      JsonNode taken =
          server.client().error("login", Map.of("username", "Claude", "room", "names"), 40011);
      assertThat(taken.get("data").get("username").asText()).isEqualTo("Claude");
      server.client().error("login", Map.of("username", "SYSTEM", "room", "names"), 40011);
      server.login("claude", "elsewhere");
    }
  }

  @Test
  void resumeKeepsDraftAndCursorAndHandsOverWhatArrived() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      RpcClient a = server.login("A", "resume");
      RpcClient b = server.login("B", "resume");
      a.call("check", Map.of("timeout_ms", 0));
      a.call("append", Map.of("text", "half a thought"));
      b.call("append", Map.of("text", "meanwhile"));
      b.call("push");

      JsonNode resumed =
          server
              .client()
              .call("login", Map.of("username", "A", "room", "resume", "resume", a.session()));
      assertThat(resumed.get("resumed").asBoolean()).isTrue();
      assertThat(resumed.get("session").asText()).isEqualTo(a.session());
      assertThat(lines(resumed)).containsExactly("B: meanwhile");
      assertThat(a.call("preview").get("draft").asText()).isEqualTo("half a thought");

      JsonNode mismatch =
          server
              .client()
              .error(
                  "login", Map.of("username", "B", "room", "resume", "resume", a.session()), 40010);
      assertThat(mismatch.get("data").get("reason").asText()).isEqualTo("mismatch");
    }
  }

  @Test
  void logoutIsIdempotentAndEndsTheSession() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      RpcClient a = server.login("A", "bye");
      RpcClient b = server.login("B", "bye");
      assertThat(a.call("logout").get("status").asInt()).isEqualTo(1);
      assertThat(a.call("logout").get("status").asInt()).isZero();
      JsonNode expired = a.error("append", Map.of("text", "hello?"), 40010);
      assertThat(expired.get("data").get("reason").asText()).isEqualTo("expired");
      assertThat(lines(b.call("participants"))).containsExactly("system: A has left");
      assertThat(b.call("participants").get("participants").findValuesAsText("username"))
          .containsExactly("B");
      // The name is free again.
      server.login("A", "bye");
    }
  }

  @Test
  void callsWithoutAValidSessionAreRefused() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      JsonNode missing = server.client().error("append", Map.of("text", "x"), 40010);
      assertThat(missing.get("data").get("reason").asText()).isEqualTo("missing");
      JsonNode unknown =
          server.client().withSession("AAAAAAAAAAAAAAAAAAAAAAAA").error("check", Map.of(), 40010);
      assertThat(unknown.get("data").get("reason").asText()).isEqualTo("unknown");
      assertThat(server.client().call("rooms").get("rooms")).isEmpty();
    }
  }

  @Test
  void anIdleSessionExpiresAndTheRoomIsTold() throws Exception {
    try (RunningServer server =
        RunningServer.start(ServerLimits.defaults().withSessionTtl(Duration.ofMillis(400)))) {
      RpcClient idle = server.login("idle", "ttl");
      RpcClient waiter = server.login("waiter", "ttl");
      // A pending check keeps its session alive; it wakes when the idle one expires.
      JsonNode woke = waiter.call("check", Map.of("timeout_ms", 30_000));
      assertThat(lines(woke)).containsExactly("system: idle has left (session expired)");
      JsonNode expired = idle.error("preview", Map.of(), 40010);
      assertThat(expired.get("data").get("reason").asText()).isEqualTo("expired");
    }
  }

  @Test
  void aRunawayLoopHitsTheRateLimit() throws Exception {
    try (RunningServer server = RunningServer.start(ServerLimits.defaults().withRate(1, 3))) {
      RpcClient a = server.login("loop", "rate");
      for (int i = 0; i < 3; i++) {
        a.call("preview");
      }
      JsonNode limited = a.error("preview", Map.of(), 40003);
      assertThat(limited.get("data").get("retry_after_ms").asLong()).isPositive();
    }
  }

  @Test
  void mentionsNameParticipantsIgnoringCaseButNotInsideLongerNames() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      RpcClient bob = server.login("bob", "mentions");
      server.login("Bobby Tables", "mentions");
      bob.call("append", Map.of("text", "hey @BOBBY TABLES and @bobby, not @bobcat"));
      bob.call("push");
      JsonNode history = bob.call("history");
      JsonNode last = history.get("messages").get(history.get("messages").size() - 1);
      assertThat(last.get("mentions")).hasSize(1);
      assertThat(last.get("mentions").get(0).asText()).isEqualTo("Bobby Tables");
    }
  }

  @Test
  void aLongBacklogComesOverSeveralResponsesWithNothingLost() throws Exception {
    // No rate limit: the talker is a loop on purpose.
    try (RunningServer server =
        RunningServer.inMemory(
            dev.parley.server.ServerConfig.ephemeral()
                .withLimits(ServerLimits.defaults().withRate(0, 400))
                .withRoomDefaults(RunningServer.AGENTS_ONLY))) {
      RpcClient talker = server.login("talker", "backlog");
      RpcClient away = server.login("away", "backlog");
      talker.call("check", Map.of("timeout_ms", 0));
      for (int i = 1; i <= 520; i++) {
        talker.call("append", Map.of("text", "m" + i));
        talker.call("push", Map.of("force", true));
      }
      JsonNode first = away.call("check", Map.of("timeout_ms", 0));
      assertThat(first.get("messages")).hasSize(500);
      assertThat(first.get("messages").get(0).get("content").asText()).isEqualTo("m1");
      JsonNode rest = away.call("check", Map.of("timeout_ms", 0));
      assertThat(rest.get("status").asInt()).isEqualTo(1);
      assertThat(rest.get("messages").findValuesAsText("content"))
          .hasSize(20)
          .startsWith("m501")
          .endsWith("m520");
      assertThat(away.call("check", Map.of("timeout_ms", 0)).get("messages")).isEmpty();
    }
  }

  @Test
  void historyPagesBySequenceNumberWithoutMovingTheCursor() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      RpcClient a = server.login("A", "pages");
      RpcClient b = server.login("B", "pages");
      for (int i = 1; i <= 5; i++) {
        a.call("append", Map.of("text", "m" + i));
        a.call("push");
      }
      // msg-1, msg-2 are the joins; m1..m5 are msg-3..msg-7.
      JsonNode newest = b.call("history", Map.of("limit", 2));
      assertThat(newest.get("messages").findValuesAsText("content")).containsExactly("m4", "m5");
      assertThat(newest.get("has_more").asBoolean()).isTrue();
      JsonNode older = b.call("history", Map.of("before", 6, "limit", 2));
      assertThat(older.get("messages").findValuesAsText("content")).containsExactly("m2", "m3");
      JsonNode from = b.call("history", Map.of("after", 4, "limit", 10));
      assertThat(from.get("messages").findValuesAsText("content"))
          .containsExactly("m3", "m4", "m5");
      assertThat(from.get("has_more").asBoolean()).isFalse();
      JsonNode between = b.call("history", Map.of("after", 3, "before", 6));
      assertThat(between.get("messages").findValuesAsText("content")).containsExactly("m2", "m3");
      // history delivered nothing: all five are still waiting for B.
      assertThat(RpcClient.chatLines(b.call("check", Map.of("timeout_ms", 0)))).hasSize(5);
    }
  }
}
