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

/** The talking stick in open and stick rooms. */
class FloorControlTest {

  private static JsonNode stick(RpcClient who) {
    return who.call("talking_stick");
  }

  private static RpcClient login(RunningServer server, String name, String room, String floor) {
    JsonNode result =
        server.client().call("login", Map.of("username", name, "room", room, "floor", floor));
    return server.client().withSession(result.get("session").asText());
  }

  @Test
  void inAnOpenRoomEveryClaimIsGrantedAndALaterOneTakesOver() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      RpcClient a = login(server, "A", "open-room", "open");
      RpcClient b = login(server, "B", "open-room", "open");
      a.call("check", Map.of("timeout_ms", 0));
      JsonNode first = stick(a);
      assertThat(first.get("granted").asBoolean()).isTrue();
      assertThat(first.get("holder").asText()).isEqualTo("A");
      assertThat(lines(b.call("participants"))).containsExactly("system: A has the talking stick");
      JsonNode second = stick(b);
      assertThat(second.get("granted").asBoolean()).isTrue();
      assertThat(second.get("holder").asText()).isEqualTo("B");
      assertThat(lines(a.call("preview"))).containsExactly("system: B has the talking stick");
      // Without the stick A may still write: it is a courtesy here.
      a.call("append", Map.of("text", "anyway"));
      assertThat(a.call("push").get("status").asInt()).isEqualTo(1);
    }
  }

  @Test
  void inAStickRoomOnlyTheHolderWritesAndPushReleases() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      RpcClient a = login(server, "A", "stick-room", "stick");
      // The first login set the policy; a later one cannot change it.
      JsonNode bLogin =
          server
              .client()
              .call("login", Map.of("username", "B", "room", "stick-room", "floor", "open"));
      assertThat(bLogin.get("floor").asText()).isEqualTo("stick");
      RpcClient b = server.client().withSession(bLogin.get("session").asText());
      // Nobody holds the stick yet: it must be claimed first.
      JsonNode free = b.error("append", Map.of("text", "hi"), 40012);
      assertThat(free.get("data").get("holder").isNull()).isTrue();

      assertThat(stick(a).get("granted").asBoolean()).isTrue();
      JsonNode refused = stick(b);
      assertThat(refused.get("granted").asBoolean()).isFalse();
      assertThat(refused.get("holder").asText()).isEqualTo("A");
      JsonNode held = b.error("append", Map.of("text", "hi"), 40012);
      assertThat(held.get("data").get("holder").asText()).isEqualTo("A");
      b.error("push", Map.of(), 40012);

      a.call("append", Map.of("text", "my turn"));
      assertThat(a.call("push").get("status").asInt()).isEqualTo(1);
      assertThat(lines(b.call("participants")))
          .containsExactly("A: my turn", "system: A released the talking stick");
      assertThat(stick(b).get("granted").asBoolean()).isTrue();
      JsonNode participants = a.call("participants");
      assertThat(participants.get("participants").findValuesAsText("username"))
          .containsExactly("A", "B");
      assertThat(participants.get("participants").get(1).get("holds_stick").asBoolean()).isTrue();
    }
  }

  @Test
  void resetAndLogoutGiveUpTheStick() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      RpcClient a = login(server, "A", "stick-room", "stick");
      RpcClient b = login(server, "B", "stick-room", "stick");
      stick(a);
      a.call("reset");
      assertThat(stick(b).get("granted").asBoolean()).isTrue();
      b.call("logout");
      assertThat(stick(a).get("granted").asBoolean()).isTrue();
    }
  }

  @Test
  void theStickIsReleasedWhenItsHoldRunsOut() throws Exception {
    try (RunningServer server =
        RunningServer.start(ServerLimits.defaults().withStickHold(Duration.ofMillis(300)))) {
      RpcClient a = login(server, "A", "stick-room", "stick");
      RpcClient b = login(server, "B", "stick-room", "stick");
      stick(a);
      b.call("check", Map.of("timeout_ms", 0));
      JsonNode released = b.call("check", Map.of("timeout_ms", 30_000));
      assertThat(lines(released)).containsExactly("system: the talking stick of A expired");
      assertThat(stick(b).get("granted").asBoolean()).isTrue();
    }
  }
}
