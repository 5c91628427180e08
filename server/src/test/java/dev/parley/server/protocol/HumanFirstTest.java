package dev.parley.server.protocol;

import static dev.parley.server.testing.RpcClient.chatLines;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.api.RoomOptions;
import dev.parley.server.ServerConfig;
import dev.parley.server.testing.Daemon;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * People and agents over real HTTP, every answer checked against the spec: {@code kind} on login
 * and in {@code participants}, the room option {@code human_first} holding an agent's push back
 * while a human drafts (force or not), and each chat message's causal stamp.
 */
class HumanFirstTest {
  @RegisterExtension static final Daemon server = Daemon.withDefaults();

  private static RpcClient login(String name, String room, String kind) {
    return login(name, room, kind, null);
  }

  private static RpcClient login(String name, String room, String kind, Map<String, ?> options) {
    return loginOn(server.client(), name, room, kind, options);
  }

  private static RpcClient loginOn(
      RpcClient nobody, String name, String room, String kind, Map<String, ?> options) {
    Map<String, Object> params = new java.util.LinkedHashMap<>();
    params.put("username", name);
    params.put("room", room);
    if (kind != null) {
      params.put("kind", kind);
    }
    if (options != null) {
      params.put("options", options);
    }
    JsonNode r = nobody.call("login", params);
    return nobody.withSession(r.get("session").asText());
  }

  @Test
  void anAgentsPushWaitsWhileAHumanDraftsEvenWithForceAndGoesOnceTheHumanSpoke() {
    RpcClient ann = login("ann", "hf-1", "human");
    RpcClient bot = login("bot", "hf-1", null);
    bot.call("append", Map.of("text", "my answer"));
    ann.call("append", Map.of("text", "hold on"));

    for (Map<String, ?> params : List.of(Map.<String, Object>of(), Map.of("force", true))) {
      JsonNode held = bot.call("push", params);
      assertThat(held.get("status").asInt()).isZero();
      assertThat(held.get("interrupted").asBoolean()).isTrue();
      assertThat(held.get("reason").asText()).isEqualTo("human_drafting");
      assertThat(held.has("message_id")).isFalse();
    }
    assertThat(bot.call("preview").get("draft").asText()).isEqualTo("my answer");

    // Another agent's draft holds nobody back, and a human's push is never held.
    assertThat(ann.call("push").get("status").asInt()).isEqualTo(1);
    JsonNode interrupted = bot.call("push");
    assertThat(interrupted.get("reason").asText()).isEqualTo("new_messages");
    assertThat(chatLines(interrupted)).containsExactly("ann: hold on");
    assertThat(bot.call("push").get("status").asInt()).isEqualTo(1);
    assertThat(chatLines(ann.call("check", Map.of("timeout_ms", 0))))
        .containsExactly("bot: my answer");
  }

  @Test
  void participantsAndTheLoginSayWhoIsAPersonAndWhatTheRoomHolds() {
    JsonNode first =
        server.client().call("login", Map.of("username", "ann", "room", "hf-2", "kind", "human"));
    assertThat(first.get("kind").asText()).isEqualTo("human");
    assertThat(first.get("options").get("human_first").asBoolean()).isTrue();
    RpcClient bot = login("bot", "hf-2", null);
    // The join says who joined, for readers of the log and observers.
    JsonNode joined = bot.call("history").get("messages").get(0);
    assertThat(joined.at("/event/type").asText()).isEqualTo("joined");
    assertThat(joined.at("/event/kind").asText()).isEqualTo("human");
    JsonNode people = bot.call("participants").get("participants");
    assertThat(
            StreamSupport.stream(people.spliterator(), false)
                .map(p -> p.get("username").asText() + ":" + p.get("kind").asText()))
        .containsExactly("ann:human", "bot:agent");
    // A resume keeps the session's kind whatever the login says.
    JsonNode resumed =
        server
            .client()
            .call(
                "login",
                Map.of(
                    "username",
                    "ann",
                    "room",
                    "hf-2",
                    "resume",
                    first.get("session").asText(),
                    "kind",
                    "agent"));
    assertThat(resumed.get("resumed").asBoolean()).isTrue();
    assertThat(resumed.get("kind").asText()).isEqualTo("human");
  }

  @Test
  void theLoginThatCreatesARoomChoosesItsOptionsAndLaterOnesCannotChangeThem() {
    RpcClient ann = login("ann", "hf-3", "human", Map.of("human_first", false));
    JsonNode later =
        server
            .client()
            .call(
                "login",
                Map.of("username", "bot", "room", "hf-3", "options", Map.of("human_first", true)));
    assertThat(later.get("options").get("human_first").asBoolean()).isFalse();
    RpcClient bot = server.client().withSession(later.get("session").asText());
    ann.call("append", Map.of("text", "typing"));
    bot.call("append", Map.of("text", "not held in this room"));
    assertThat(bot.call("push").get("status").asInt()).isEqualTo(1);
  }

  @Test
  void badKindsAndOptionsAreRefusedNamingTheParam() {
    JsonNode kind =
        server
            .client()
            .error("login", Map.of("username", "x", "room", "hf-4", "kind", "robot"), -32602);
    assertThat(kind.get("data").get("pointer").asText()).isEqualTo("/kind");
    JsonNode option =
        server
            .client()
            .error(
                "login",
                Map.of("username", "x", "room", "hf-4", "options", Map.of("humans", true)),
                -32602);
    assertThat(option.get("data").get("pointer").asText()).startsWith("/options");
  }

  @Test
  void eachChatMessageSaysWhatItsAuthorHadSeenAndWhetherItMissedSomething() {
    RpcClient a = login("a", "stamps", null);
    RpcClient b = login("b", "stamps", null);
    b.call("check", Map.of("timeout_ms", 0));
    a.call("append", Map.of("text", "first"));
    a.call("push");
    b.call("append", Map.of("text", "seen it"));
    JsonNode answer = b.call("push");
    assertThat(chatLines(answer)).isEmpty();
    // b was delivered "first" by its own append's answer.
    b.call("append", Map.of("text", "did not wait"));
    a.call("check", Map.of("timeout_ms", 0));
    a.call("append", Map.of("text", "second"));
    a.call("push");
    assertThat(b.call("push", Map.of("force", true)).get("status").asInt()).isEqualTo(1);

    JsonNode log = a.call("history").get("messages");
    Map<String, JsonNode> chat = new java.util.HashMap<>();
    long firstSeq = 0;
    for (JsonNode m : log) {
      if (m.get("kind").asText().equals("chat")) {
        chat.put(m.get("content").asText(), m);
        if (m.get("content").asText().equals("first")) {
          firstSeq = m.get("seq").asLong();
        }
      } else {
        assertThat(m.has("based_on")).as("system messages have no stamp").isFalse();
        assertThat(m.has("stale")).isFalse();
      }
    }
    assertThat(chat.get("seen it").get("based_on").asLong()).isEqualTo(firstSeq);
    assertThat(chat.get("seen it").get("stale").asBoolean()).isFalse();
    JsonNode late = chat.get("did not wait");
    assertThat(late.get("stale").asBoolean()).isTrue();
    long missed = chat.get("second").get("seq").asLong();
    assertThat(late.get("based_on").asLong()).isLessThan(missed);
    assertThat(late.get("seq").asLong()).isGreaterThan(missed);
    // Delivered the same way: b's stale message reaches a with its stamp.
    JsonNode delivered = a.call("check", Map.of("timeout_ms", 0)).get("messages");
    assertThat(delivered.get(delivered.size() - 1).get("stale").asBoolean()).isTrue();
  }

  @Test
  void aPushNamingMoreAgentsThanTheWakeBudgetAllowsIsRefusedWithTheWaitAndItsDraftKept() {
    RpcClient ada = login("ada", "wakes", null, Map.of("mention_wakes_per_minute", 2));
    login("bob", "wakes", null);
    login("cy", "wakes", null);
    login("hal", "wakes", "human");
    ada.call("append", Map.of("text", "@bob @cy @hal: stand-up"));
    assertThat(ada.call("push").get("status").asInt()).isEqualTo(1);
    ada.call("append", Map.of("text", "@hal, a person, costs nothing"));
    assertThat(ada.call("push").get("status").asInt()).isEqualTo(1);
    ada.call("append", Map.of("text", "@bob, one more"));
    JsonNode refused = ada.error("push", Map.of(), 40003);
    assertThat(refused.get("data").get("reason").asText()).isEqualTo("mention_wakes");
    assertThat(refused.get("data").get("retry_after_ms").asLong()).isBetween(1L, 30_000L);
    assertThat(ada.call("preview").get("draft").asText()).isEqualTo("@bob, one more");
    // The calls themselves are not limited: only the mentions are.
    assertThat(ada.call("participants").get("participants").size()).isEqualTo(4);
  }

  @Test
  void kindsOptionsAndStampsSurviveARestart(@TempDir Path data) throws Exception {
    ServerConfig config = ServerConfig.ephemeral().withDataDir(data);
    String annToken;
    try (RunningServer first = RunningServer.start(config)) {
      JsonNode login =
          first
              .client()
              .call(
                  "login",
                  Map.of(
                      "username",
                      "ann",
                      "room",
                      "kept",
                      "kind",
                      "human",
                      "options",
                      Map.of("human_first", false)));
      annToken = login.get("session").asText();
      RpcClient ann = first.client().withSession(annToken);
      ann.call("append", Map.of("text", "stamped"));
      ann.call("push");
    }
    try (RunningServer again =
        RunningServer.start(config.withRoomDefaults(new RoomOptions(true, 0, 0)))) {
      JsonNode resumed =
          again
              .client()
              .call("login", Map.of("username", "ann", "room", "kept", "resume", annToken));
      assertThat(resumed.get("resumed").asBoolean()).isTrue();
      assertThat(resumed.get("kind").asText()).isEqualTo("human");
      assertThat(resumed.get("options").get("human_first").asBoolean()).isFalse();
      JsonNode log = again.client().withSession(annToken).call("history").get("messages");
      JsonNode stamped = log.get(log.size() - 1);
      assertThat(stamped.get("content").asText()).isEqualTo("stamped");
      assertThat(stamped.has("based_on")).isTrue();
      assertThat(stamped.get("stale").asBoolean()).isFalse();
    }
  }
}
