package dev.parley.server.protocol;

import static dev.parley.server.testing.RpcClient.chatLines;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.ServerConfig;
import dev.parley.server.testing.Daemon;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Moderation and the loop guard over real HTTP, every answer checked against the spec: the room's
 * creator moderates it (no access control here), others are refused; mute, remove and pause refuse
 * what they should with typed error data, drafts kept; the loop guard stops agents after the room's
 * {@code max_agent_run} until a person speaks or a moderator continues; all of it survives a
 * restart.
 */
class ModerationTest {
  private static final int ACCESS_DENIED = 40013;
  private static final int PUSH_HELD = 40014;
  private static final int NOT_LOGGED_IN = 40010;

  @RegisterExtension static final Daemon server = Daemon.withDefaults();

  private static JsonNode loginResult(
      RpcClient nobody, String name, String room, String kind, Map<String, ?> options) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("username", name);
    params.put("room", room);
    if (kind != null) {
      params.put("kind", kind);
    }
    if (options != null) {
      params.put("options", options);
    }
    return nobody.call("login", params);
  }

  private static RpcClient login(String name, String room, String kind, Map<String, ?> options) {
    RpcClient nobody = server.client();
    return nobody.withSession(
        loginResult(nobody, name, room, kind, options).get("session").asText());
  }

  private static RpcClient login(String name, String room) {
    return login(name, room, null, null);
  }

  private static JsonNode say(RpcClient who, String text) {
    who.call("append", Map.of("text", text));
    return who.call("push");
  }

  /** The system events among what {@code result} delivered, as {@code type user by}. */
  private static List<String> events(JsonNode result) {
    List<String> out = new ArrayList<>();
    for (JsonNode m : result.get("messages")) {
      JsonNode e = m.get("event");
      if (e != null) {
        out.add(
            e.get("type").asText()
                + " "
                + e.get("user").asText()
                + (e.has("by") ? " by " + e.get("by").asText() : ""));
      }
    }
    return out;
  }

  @Test
  void theRoomsCreatorModeratesItAndAnyoneElseIsRefused() {
    JsonNode ann = loginResult(server.client(), "ann", "mod-1", "human", null);
    assertThat(ann.get("moderator").asBoolean()).isTrue();
    JsonNode bot = loginResult(server.client(), "bot", "mod-1", null, null);
    assertThat(bot.get("moderator").asBoolean()).isFalse();
    RpcClient botClient = server.client().withSession(bot.get("session").asText());
    for (String method : List.of("mute", "unmute", "remove", "pause", "resume", "continue")) {
      Map<String, ?> params =
          method.equals("mute") || method.equals("unmute") || method.equals("remove")
              ? Map.of("user", "ann")
              : Map.of();
      JsonNode refused = botClient.error(method, params, ACCESS_DENIED);
      assertThat(refused.at("/data/reason").asText()).as(method).isEqualTo("moderator");
      assertThat(refused.at("/data/detail").asText()).contains(method);
    }
  }

  @Test
  void aMutedParticipantsPushIsRefusedWithItsDraftKeptUntilItIsUnmuted() {
    RpcClient ann = login("ann", "mod-2", "human", null);
    RpcClient bot = login("bot", "mod-2");
    ann.call("check", Map.of("timeout_ms", 0));

    assertThat(ann.call("mute", Map.of("user", "Bot", "for_ms", 60_000)).get("status").asInt())
        .isEqualTo(1);
    // The muted one is told by its next call, with a structured system message that names it as
    // it spells its name.
    JsonNode told = bot.call("append", Map.of("text", "let me finish"));
    assertThat(events(told)).containsExactly("muted bot by ann");
    JsonNode held = bot.error("push", Map.of(), PUSH_HELD);
    assertThat(held.at("/data/reason").asText()).isEqualTo("muted");
    assertThat(held.at("/data/by").asText()).isEqualTo("ann");
    assertThat(held.at("/data/retry_after_ms").asLong()).isBetween(1L, 60_000L);
    assertThat(held.at("/data/until").asText()).isNotBlank();
    assertThat(told.at("/messages/0/event/until").asText())
        .isEqualTo(held.at("/data/until").asText());
    assertThat(bot.call("preview").get("draft").asText()).isEqualTo("let me finish");
    // Force does not pass a mute.
    bot.error("push", Map.of("force", true), PUSH_HELD);

    // A mute until unmute has no end to tell.
    ann.call("mute", Map.of("user", "bot"));
    JsonNode forever = bot.error("push", Map.of(), PUSH_HELD);
    assertThat(forever.at("/data").has("retry_after_ms")).isFalse();
    assertThat(forever.at("/data").has("until")).isFalse();

    assertThat(ann.call("unmute", Map.of("user", "bot")).get("status").asInt()).isEqualTo(1);
    assertThat(ann.call("unmute", Map.of("user", "bot")).get("status").asInt()).isZero();
    assertThat(bot.call("push").get("status").asInt()).isEqualTo(1);
    assertThat(chatLines(ann.call("check", Map.of("timeout_ms", 0))))
        .containsExactly("bot: let me finish");
  }

  @Test
  void removeEndsTheSessionAndBarsTheNameAndItsLookalikesForAWhile() {
    RpcClient ann = login("ann", "mod-3", "human", null);
    RpcClient bot = login("bot", "mod-3");
    RpcClient eve = login("eve", "mod-3");
    eve.call("check", Map.of("timeout_ms", 0));

    JsonNode self = ann.error("remove", Map.of("user", "ann"), -32602);
    assertThat(self.at("/data/pointer").asText()).isEqualTo("/user");
    for (String method : List.of("mute", "unmute", "remove")) {
      JsonNode bad = ann.error(method, Map.of("user", " bot"), -32602);
      assertThat(bad.at("/data/pointer").asText()).as(method).isEqualTo("/user");
      assertThat(bad.at("/data/detail").asText()).as(method).contains("start or end with a space");
    }
    assertThat(ann.call("remove", Map.of("user", "bot")).get("status").asInt()).isEqualTo(1);
    JsonNode ended = bot.error("participants", Map.of(), NOT_LOGGED_IN);
    assertThat(ended.at("/data/reason").asText()).isEqualTo("removed");
    // The others are told; the moderator, who did it, is not (as with its own messages).
    assertThat(events(ann.call("check", Map.of("timeout_ms", 0))))
        .doesNotContain("removed bot by ann");
    JsonNode seen = eve.call("check", Map.of("timeout_ms", 0));
    assertThat(events(seen)).containsExactly("removed bot by ann");
    assertThat(seen.at("/messages/0/event/until").asText()).isNotBlank();

    for (String name : List.of("bot", "BOT", "Bot")) {
      JsonNode barred =
          server.client().error("login", Map.of("username", name, "room", "mod-3"), ACCESS_DENIED);
      assertThat(barred.at("/data/reason").asText()).as(name).isEqualTo("removed");
      assertThat(barred.at("/data/retry_after_ms").asLong()).isBetween(1L, 600_000L);
    }
    // The bar is the room's: the name is free elsewhere.
    login("bot", "mod-3-elsewhere");

    // Removing with for_ms 0 only logs out: the name may come straight back.
    RpcClient cat = login("cat", "mod-3");
    assertThat(ann.call("remove", Map.of("user", "cat", "for_ms", 0)).get("status").asInt())
        .isEqualTo(1);
    cat.error("check", Map.of("timeout_ms", 0), NOT_LOGGED_IN);
    login("cat", "mod-3");
  }

  @Test
  void pauseRefusesEveryPushButModeratorsUntilResume() {
    RpcClient ann = login("ann", "mod-4", "human", null);
    RpcClient bot = login("bot", "mod-4");
    RpcClient bea = login("bea", "mod-4", "human", null);

    assertThat(ann.call("pause").get("status").asInt()).isEqualTo(1);
    assertThat(ann.call("pause").get("status").asInt()).isZero();
    assertThat(events(bot.call("participants"))).contains("paused ann");
    for (RpcClient who : List.of(bot, bea)) {
      who.call("append", Map.of("text", "waiting to speak"));
      JsonNode held = who.error("push", Map.of(), PUSH_HELD);
      assertThat(held.at("/data/reason").asText()).isEqualTo("paused");
      assertThat(held.at("/data/by").asText()).isEqualTo("ann");
    }
    assertThat(say(ann, "one moment, everyone").get("status").asInt()).isEqualTo(1);
    assertThat(ann.call("resume").get("status").asInt()).isEqualTo(1);
    assertThat(ann.call("resume").get("status").asInt()).isZero();
    bea.call("check", Map.of("timeout_ms", 0));
    assertThat(bea.call("push").get("status").asInt()).isEqualTo(1);
  }

  @Test
  void theLoopGuardStopsAgentsUntilAPersonSpeaksOrAModeratorContinues() {
    RpcClient ann = login("ann", "mod-5", "human", Map.of("max_agent_run", 3));
    RpcClient ping = login("ping", "mod-5");
    RpcClient pong = login("pong", "mod-5");
    assertThat(ping.call("participants").get("participants").size()).isEqualTo(3);

    assertThat(say(ping, "1").get("status").asInt()).isEqualTo(1);
    pong.call("check", Map.of("timeout_ms", 0));
    assertThat(say(pong, "2").get("status").asInt()).isEqualTo(1);
    ping.call("check", Map.of("timeout_ms", 0));
    assertThat(say(ping, "3").get("status").asInt()).isEqualTo(1);
    // The third agent message in a row is followed by the room being told agents wait.
    JsonNode told = pong.call("check", Map.of("timeout_ms", 0));
    assertThat(events(told)).containsExactly("agent_run_limit ping");
    assertThat(told.at("/messages/1/event/count").asInt()).isEqualTo(3);
    assertThat(told.at("/messages/0/sender_kind").asText()).isEqualTo("agent");

    pong.call("append", Map.of("text", "4"));
    JsonNode held = pong.error("push", Map.of("force", true), PUSH_HELD);
    assertThat(held.at("/data/reason").asText()).isEqualTo("agent_run");
    assertThat(held.at("/data/agent_run").asInt()).isEqualTo(3);
    assertThat(held.at("/data/max_agent_run").asInt()).isEqualTo(3);
    assertThat(held.at("/data/detail").asText()).contains("continue");
    assertThat(pong.call("preview").get("draft").asText()).isEqualTo("4");

    // A person's message starts the count again.
    ann.call("check", Map.of("timeout_ms", 0));
    JsonNode human = say(ann, "go on, both of you");
    assertThat(human.get("status").asInt()).isEqualTo(1);
    pong.call("check", Map.of("timeout_ms", 0));
    assertThat(pong.call("push").get("status").asInt()).isEqualTo(1);
    ping.call("check", Map.of("timeout_ms", 0));
    assertThat(say(ping, "5").get("status").asInt()).isEqualTo(1);
    pong.call("check", Map.of("timeout_ms", 0));
    assertThat(say(pong, "6").get("status").asInt()).isEqualTo(1);
    ping.call("check", Map.of("timeout_ms", 0));
    ping.call("append", Map.of("text", "7"));
    ping.error("push", Map.of(), PUSH_HELD);

    // So does a moderator's continue, told to the room; with nothing counted it changes nothing.
    ann.call("check", Map.of("timeout_ms", 0));
    assertThat(ann.call("continue").get("status").asInt()).isEqualTo(1);
    assertThat(ann.call("continue").get("status").asInt()).isZero();
    assertThat(events(ping.call("check", Map.of("timeout_ms", 0))))
        .containsExactly("continued ann");
    assertThat(ping.call("push").get("status").asInt()).isEqualTo(1);
    // A person's own message carries its kind.
    JsonNode log = ann.call("history", Map.of("limit", 100)).get("messages");
    assertThat(log.findValues("sender_kind").stream().map(JsonNode::asText).distinct())
        .containsExactlyInAnyOrder("agent", "human");
  }

  @Test
  void aRoomWithoutTheGuardLetsAgentsTalkOnAndTheDefaultIsEight() {
    JsonNode created = loginResult(server.client(), "ping", "mod-6", null, null);
    assertThat(created.at("/options/max_agent_run").asInt()).isEqualTo(8);
    RpcClient free = login("ping", "mod-7", null, Map.of("max_agent_run", 0));
    for (int i = 0; i < 12; i++) {
      assertThat(say(free, "line " + i).get("status").asInt()).isEqualTo(1);
    }
    RpcClient guarded = server.client().withSession(created.get("session").asText());
    for (int i = 0; i < 8; i++) {
      assertThat(say(guarded, "line " + i).get("status").asInt()).isEqualTo(1);
    }
    guarded.call("append", Map.of("text", "one too many"));
    guarded.error("push", Map.of(), PUSH_HELD);
  }

  @Test
  void theCountMutesPauseBarsAndTheCreatorSurviveARestart(@TempDir Path data) throws Exception {
    ServerConfig config = ServerConfig.ephemeral().withDataDir(data);
    String annToken;
    String pingToken;
    try (RunningServer first = RunningServer.start(config)) {
      JsonNode a = loginResult(first.client(), "ann", "kept", "human", Map.of("max_agent_run", 2));
      annToken = a.get("session").asText();
      RpcClient ann = first.client().withSession(annToken);
      pingToken = loginResult(first.client(), "ping", "kept", null, null).get("session").asText();
      RpcClient ping = first.client().withSession(pingToken);
      RpcClient pong =
          first
              .client()
              .withSession(
                  loginResult(first.client(), "pong", "kept", null, null).get("session").asText());
      loginResult(first.client(), "gone", "kept", null, null);
      say(ping, "one");
      pong.call("check", Map.of("timeout_ms", 0));
      say(pong, "two");
      ann.call("mute", Map.of("user", "pong"));
      ann.call("remove", Map.of("user", "gone"));
      ann.call("pause");
    }
    try (RunningServer again = RunningServer.start(config)) {
      RpcClient ann = again.client().withSession(annToken);
      RpcClient ping = again.client().withSession(pingToken);
      ping.call("check", Map.of("timeout_ms", 0));
      ping.call("append", Map.of("text", "three"));
      assertThat(ping.error("push", Map.of(), PUSH_HELD).at("/data/reason").asText())
          .isEqualTo("paused");
      JsonNode barred =
          again.client().error("login", Map.of("username", "gone", "room", "kept"), ACCESS_DENIED);
      assertThat(barred.at("/data/reason").asText()).isEqualTo("removed");
      // The creator is still the moderator, and the count was read back from the log.
      assertThat(ann.call("resume").get("status").asInt()).isEqualTo(1);
      JsonNode held = ping.error("push", Map.of(), PUSH_HELD);
      assertThat(held.at("/data/reason").asText()).isEqualTo("agent_run");
      assertThat(held.at("/data/agent_run").asInt()).isEqualTo(2);
      assertThat(ann.call("continue").get("status").asInt()).isEqualTo(1);
      ping.call("check", Map.of("timeout_ms", 0));
      assertThat(ping.call("push").get("status").asInt()).isEqualTo(1);
      JsonNode login =
          again
              .client()
              .call("login", Map.of("username", "ann", "room", "kept", "resume", annToken));
      assertThat(login.get("moderator").asBoolean()).isTrue();
    }
  }
}
