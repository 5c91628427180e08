package dev.parley.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.ServerConfig;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import dev.parley.server.testing.Seed001Transcript;
import dev.parley.server.testing.TestDatabase;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two daemons on one PostgreSQL database serve the same rooms: every rule holds across them as on
 * one daemon, whichever of the two each call reaches.
 */
class ClusterTest {
  @RegisterExtension final TestDatabase postgres = new TestDatabase();

  private RunningServer a;
  private RunningServer b;

  @BeforeEach
  void startTwoDaemons() throws Exception {
    a = RunningServer.start(ServerConfig.ephemeral().withDatabase(postgres.database()));
    b = RunningServer.start(ServerConfig.ephemeral().withDatabase(postgres.database()));
  }

  @AfterEach
  void stop() throws Exception {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  @Test
  void theSeed001TranscriptWithClaudeOnOneDaemonAndChatGptOnTheOther() {
    RpcClient chatgpt = b.login("ChatGPT", "lobby");
    RpcClient claude = a.login("claude", "lobby");

    Seed001Transcript.play(chatgpt::call, claude::call);
    // The same history through the other daemon.
    assertThat(RpcClient.chatLines(chatgpt.call("history", Map.of("limit", 200))))
        .containsExactlyElementsOf(Seed001Transcript.CHAT);
  }

  @Test
  void aPushThroughOneDaemonInterruptsADrafterAndWakesACheckOnTheOther() throws Exception {
    RpcClient alice = a.login("alice", "release");
    RpcClient bob = b.login("bob", "release");
    RpcClient carol = b.login("carol", "release");
    drain(alice);
    drain(bob);
    drain(carol);

    // carol waits in check on b; bob drafts on b; alice pushes on a.
    CompletableFuture<JsonNode> waiting = carol.callAsync("check", Map.of("timeout_ms", 30_000));
    bob.call("append", Map.of("text", "Morning! Any news?"));
    alice.call("append", Map.of("text", "Ship on Friday?"));
    assertThat(alice.call("push").get("status").asInt()).isEqualTo(1);

    assertThat(RpcClient.chatLines(waiting.get(30, TimeUnit.SECONDS)))
        .containsExactly("alice: Ship on Friday?");
    JsonNode interrupted = bob.call("push");
    assertThat(interrupted.get("status").asInt()).isZero();
    assertThat(interrupted.get("interrupted").asBoolean()).isTrue();
    assertThat(RpcClient.chatLines(interrupted)).containsExactly("alice: Ship on Friday?");
    assertThat(bob.call("preview").get("draft").asText()).isEqualTo("Morning! Any news?");
    assertThat(bob.call("push").get("status").asInt()).isEqualTo(1);
  }

  /**
   * The daemon serving a room loses its PostgreSQL connection (its lock with it) while a check is
   * parked there: the check follows the room to whichever daemon serves it next, and returns with
   * the next message instead of waiting out its timeout.
   */
  @Test
  void aCheckParkedOnADaemonThatLosesItsRoomFollowsTheRoom() throws Exception {
    RpcClient alice = a.login("alice", "moving");
    RpcClient bob = b.login("bob", "moving");
    drain(alice);
    drain(bob);
    CompletableFuture<JsonNode> waiting = alice.callAsync("check", Map.of("timeout_ms", 50_000));
    // The check is parked at a, which serves the room: cut a's lock connection.
    java.util.Properties login = new java.util.Properties();
    login.setProperty("password", postgres.database().password());
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection(postgres.database().jdbcUrl(), login);
        java.sql.PreparedStatement ps =
            c.prepareStatement(
                "SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN room_owners o"
                    + " ON l.objid = o.node_key WHERE o.room = 'moving' AND l.locktype = 'advisory'"
                    + " AND l.granted")) {
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("a's lock connection").isTrue();
      }
    }
    // a notices and gives the room up (its /health counts the rooms it serves), or the room was
    // taken anew already (a new owner epoch).
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(20))
        .until(() -> health(a).get("rooms").asInt() == 0 || ownerEpoch("moving") > 1);
    say(bob, "still there?");
    JsonNode answer = waiting.get(30, TimeUnit.SECONDS);
    assertThat(RpcClient.chatLines(answer)).containsExactly("bob: still there?");
    assertThat(RpcClient.chatLines(alice.call("history", Map.of("limit", 10))))
        .containsExactly("bob: still there?");
  }

  /**
   * A socket on one daemon holds a conversation in a room the other daemon serves: its calls are
   * forwarded like HTTP's, the login binds the socket, and a subscription, whose notifications only
   * the room's daemon can send, is refused saying where to subscribe.
   */
  @Test
  void aSocketOnOneDaemonTalksInARoomTheOtherServes() {
    RpcClient alice = a.login("alice", "sockets");
    drain(alice);
    try (dev.parley.server.testing.SocketClient dora =
        dev.parley.server.testing.SocketClient.open(b.uri())) {
      dora.login("dora", "sockets", false);
      dora.call("append", Map.of("text", "hello from a socket"));
      assertThat(dora.call("push").get("status").asInt()).isEqualTo(1);
      assertThat(RpcClient.chatLines(alice.call("check", Map.of("timeout_ms", 10_000))))
          .containsExactly("dora: hello from a socket");
      say(alice, "welcome, dora");
      assertThat(RpcClient.chatLines(dora.call("check", Map.of("timeout_ms", 10_000))))
          .containsExactly("alice: welcome, dora");
      JsonNode refused = dora.error("subscribe", Map.of("enabled", true), -32600);
      assertThat(refused.at("/data/detail").asText())
          .contains("room sockets is served by the daemon at " + a.uri())
          .contains("subscribe on that daemon's /rpc/ws");
      assertThat(dora.call("logout").get("status").asInt()).isEqualTo(1);
    }
  }

  @Test
  void aTxnIdRetrySentToTheOtherDaemonSendsNothingTwice() {
    RpcClient onA = a.login("ada", "txn");
    RpcClient onB = b.client().withSession(onA.session());
    onA.call("append", Map.of("text", "only once", "txn_id", "a-1"));
    // The append's answer was "lost": the retry goes to the other daemon.
    JsonNode again = onB.call("append", Map.of("text", "only once", "txn_id", "a-1"));
    assertThat(again.get("draft_length").asInt()).isEqualTo("only once".length());
    JsonNode first = onA.call("push", Map.of("txn_id", "p-1"));
    JsonNode retry = onB.call("push", Map.of("txn_id", "p-1"));
    assertThat(retry.get("message_id").asText()).isEqualTo(first.get("message_id").asText());
    assertThat(RpcClient.chatLines(onB.call("history", Map.of("limit", 50))))
        .containsExactly("ada: only once");
  }

  @Test
  void aStickRoomHasOneWriterAcrossBothDaemons() {
    RpcClient ada =
        RpcClient.at(a.uri())
            .withSession(
                a.client()
                    .call("login", Map.of("username", "ada", "room", "stage", "floor", "stick"))
                    .get("session")
                    .asText());
    RpcClient bob = b.login("bob", "stage");
    assertThat(ada.call("talking_stick").get("granted").asBoolean()).isTrue();
    JsonNode refused = bob.call("talking_stick");
    assertThat(refused.get("granted").asBoolean()).isFalse();
    assertThat(refused.get("holder").asText()).isEqualTo("ada");
    bob.error("append", Map.of("text", "me too"), 40012);
  }

  @Test
  void roomsListsTheRoomsOfBothDaemons() {
    a.login("ada", "north");
    b.login("bob", "south");
    for (RunningServer node : List.of(a, b)) {
      JsonNode rooms = node.client().call("rooms").get("rooms");
      Map<String, Integer> participants = new java.util.HashMap<>();
      rooms.forEach(r -> participants.put(r.get("room").asText(), r.get("participants").asInt()));
      assertThat(participants)
          .as("rooms through %s", node.uri())
          .containsEntry("north", 1)
          .containsEntry("south", 1);
    }
  }

  /**
   * 20 clients send each call to the other daemon than their previous one, 50 pushes each: every
   * client receives every other client's message exactly once, and all in one order.
   */
  @Test
  @Tag("stress")
  void twentyClientsAlternatingDaemonsCallByCallReceiveEveryMessageOnceInOneOrder()
      throws Exception {
    int clients = 20;
    int pushes = 50;
    List<String> tokens = new ArrayList<>();
    // Agents alone, far past the loop guard: the first login makes the room without it.
    tokens.add(
        a.client()
            .call(
                "login",
                Map.of("username", "c0", "room", "busy", "options", Map.of("max_agent_run", 0)))
            .get("session")
            .asText());
    for (int c = 1; c < clients; c++) {
      tokens.add((c % 2 == 0 ? a : b).login("c" + c, "busy").session());
    }
    List<List<Long>> received = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<List<JsonNode>>> runs = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int me = c;
        runs.add(pool.submit(() -> converse(me, tokens.get(me), pushes, clients)));
      }
      for (int c = 0; c < clients; c++) {
        List<JsonNode> got = runs.get(c).get(5, TimeUnit.MINUTES);
        List<Long> seqs = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (JsonNode m : got) {
          assertThat(ids.add(m.get("message_id").asText()))
              .as("c%d received %s twice", c, m.get("message_id").asText())
              .isTrue();
          assertThat(m.get("sender_id").asText())
              .as("c%d is given its own", c)
              .isNotEqualTo("c" + c);
          seqs.add(m.get("seq").asLong());
        }
        assertThat(seqs).as("c%d in the room's order", c).isSorted();
        received.add(seqs);
      }
    }
    RpcClient reader = RpcClient.at(a.uri()).withSession(tokens.get(0));
    List<Long> all = new ArrayList<>();
    long after = 0;
    JsonNode page;
    do {
      page = reader.call("history", Map.of("after", after, "limit", 200));
      for (JsonNode m : page.get("messages")) {
        after = m.get("seq").asLong();
        all.add(after);
      }
    } while (page.get("has_more").asBoolean());
    for (int i = 0; i < all.size(); i++) {
      assertThat(all.get(i)).as("gapless sequence numbers").isEqualTo(i + 1L);
    }
    for (List<Long> seqs : received) {
      assertThat(seqs).hasSize((clients - 1) * pushes);
    }
  }

  /**
   * One client: each call to the other daemon than the one before, append then push 50 times, then
   * reads until it has every other client's messages. Returns the chat messages of others it was
   * given, in the order it was given them.
   */
  private List<JsonNode> converse(int me, String token, int pushes, int clients) {
    List<RpcClient> nodes =
        List.of(RpcClient.at(a.uri()).withSession(token), RpcClient.at(b.uri()).withSession(token));
    List<JsonNode> got = new ArrayList<>();
    int call = me;
    for (int i = 0; i < pushes; i++) {
      collect(got, nodes.get(call++ % 2).call("append", Map.of("text", "c" + me + "-" + i)));
      JsonNode push =
          nodes.get(call++ % 2).call("push", Map.of("force", true, "txn_id", "c" + me + "-" + i));
      assertThat(push.get("status").asInt()).isEqualTo(1);
      collect(got, push);
    }
    int others = (clients - 1) * pushes;
    while (got.size() < others) {
      collect(got, nodes.get(call++ % 2).call("check", Map.of("timeout_ms", 10_000)));
    }
    return got;
  }

  private static void collect(List<JsonNode> got, JsonNode result) {
    for (JsonNode m : result.get("messages")) {
      if ("chat".equals(m.get("kind").asText())) {
        got.add(m);
      }
    }
  }

  private static void say(RpcClient who, String text) {
    who.call("append", Map.of("text", text));
    assertThat(who.call("push").get("status").asInt()).isEqualTo(1);
  }

  private long ownerEpoch(String room) throws Exception {
    java.util.Properties login = new java.util.Properties();
    login.setProperty("password", postgres.database().password());
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection(postgres.database().jdbcUrl(), login);
        java.sql.PreparedStatement ps =
            c.prepareStatement("SELECT epoch FROM room_owners WHERE room = ?")) {
      ps.setString(1, room);
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  private static JsonNode health(RunningServer node) throws Exception {
    java.net.http.HttpResponse<String> r =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(node.uri().resolve("/health")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    return RpcClient.parse(r.body());
  }

  private static void drain(RpcClient who) {
    who.call("check", Map.of("timeout_ms", 0));
  }
}
