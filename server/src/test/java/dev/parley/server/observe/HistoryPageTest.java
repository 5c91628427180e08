package dev.parley.server.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.server.ParleyServer;
import dev.parley.server.ServerConfig;
import dev.parley.server.ServerLimits;
import dev.parley.server.auth.AccessKeys;
import dev.parley.server.testing.RawHttp;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import dev.parley.viewer.observe.FrameClient;
import dev.parley.viewer.observe.ViewerRoutes;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /observe/history} on a real daemon over real HTTP: pages of older messages as the frames
 * the socket sent for them, bounded in count and in bytes, clear errors for bad input, and the
 * observer's access rules.
 */
class HistoryPageTest {
  private static final Duration BOUND = Duration.ofSeconds(30);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  private static HttpResponse<String> get(URI base, String query, String bearer) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(ViewerRoutes.HISTORY + query)).GET();
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode page(URI base, String query) throws Exception {
    HttpResponse<String> r = get(base, query, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    return RpcClient.parse(r.body());
  }

  private static List<String> chats(JsonNode page) {
    List<String> out = new ArrayList<>();
    for (JsonNode f : page.get("frames")) {
      if (f.path("parsed_content").path("type").asText().equals("chat")) {
        out.add(f.path("parsed_content").path("content").asText());
      }
    }
    return out;
  }

  private static void say(RpcClient who, String text) {
    who.call("append", Map.of("text", text));
    who.call("push");
  }

  /** A frame without its send time, to compare what was sent live with what a page answers. */
  private static JsonNode timeless(JsonNode frame) {
    ObjectNode copy = frame.deepCopy();
    copy.remove("stream_time");
    return copy;
  }

  @Test
  void pagesGoBackThroughTheLogAsTheFramesSentLive() throws Exception {
    try (RunningServer server = RunningServer.start();
        FrameClient observer = FrameClient.connect(server.uri(), "paged")) {
      RpcClient alice = server.login("alice", "paged");
      for (int i = 1; i <= 7; i++) {
        say(alice, "m" + i);
      }
      List<JsonNode> live =
          observer.until(
              f -> f.path("parsed_content").path("content").asText().equals("m7"), BOUND);
      List<JsonNode> liveMessages =
          live.stream()
              .filter(f -> f.path("type").asText().equals("chat_message"))
              .filter(f -> f.has("message_id"))
              .map(HistoryPageTest::timeless)
              .toList();

      JsonNode newest = page(server.uri(), "?room=paged&limit=3");
      assertThat(newest.get("room").asText()).isEqualTo("paged");
      assertThat(chats(newest)).containsExactly("m5", "m6", "m7");
      assertThat(newest.get("has_more").asBoolean()).isTrue();

      // Back to the start, each page before the oldest message shown.
      List<JsonNode> all = new ArrayList<>();
      newest.get("frames").forEach(all::add);
      JsonNode older = newest;
      while (older.get("has_more").asBoolean()) {
        String oldest = all.get(0).get("message_id").asText();
        older =
            page(
                server.uri(),
                "?room=paged&limit=3&before=" + URLEncoder.encode(oldest, StandardCharsets.UTF_8));
        List<JsonNode> frames = new ArrayList<>();
        older.get("frames").forEach(frames::add);
        assertThat(frames).isNotEmpty().hasSizeLessThanOrEqualTo(3);
        all.addAll(0, frames);
      }
      assertThat(all.stream().map(HistoryPageTest::timeless).toList())
          .as("every message once, in order, as its frame was sent live")
          .isEqualTo(liveMessages);
    }
  }

  @Test
  void aPageIsBoundedInBytesAsTheProtocolsHistoryIs() throws Exception {
    ServerConfig config =
        ServerConfig.ephemeral()
            .withDataDir(dir.resolve("data"))
            .withLimits(ServerLimits.defaults().withResponse(500, 4096));
    try (RunningServer server = RunningServer.start(config)) {
      RpcClient bob = server.login("bob", "big");
      for (int i = 0; i < 6; i++) {
        say(bob, (char) ('a' + i) + "x".repeat(999));
      }
      JsonNode first = page(server.uri(), "?room=big&limit=50");
      assertThat(first.get("frames").size()).isBetween(1, 4);
      assertThat(first.get("has_more").asBoolean()).isTrue();
      assertThat(chats(first).getLast()).startsWith("f");
    }
  }

  @Test
  void badRequestsAreClearJsonErrors() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      say(server.login("carol", "known"), "hello");
      String known =
          page(server.uri(), "?room=known").get("frames").get(0).get("message_id").asText();
      Map<String, Integer> cases =
          Map.ofEntries(
              Map.entry("", 400),
              Map.entry("?room=", 400),
              Map.entry("?room=has%20space", 400),
              Map.entry("?room=nosuchroom", 404),
              Map.entry("?room=known&before=7", 400),
              Map.entry("?room=known&before=msg-0", 400),
              Map.entry("?room=known&before=msg-007", 400),
              Map.entry("?room=known&before=msg-99999999999999999999", 400),
              Map.entry("?room=known&before=msg-999", 400),
              Map.entry("?room=known&limit=0", 400),
              Map.entry("?room=known&limit=201", 400),
              Map.entry("?room=known&limit=ten", 400));
      for (Map.Entry<String, Integer> c : cases.entrySet()) {
        HttpResponse<String> r = get(server.uri(), c.getKey(), null);
        assertThat(r.statusCode()).as("%s: %s", c.getKey(), r.body()).isEqualTo(c.getValue());
        JsonNode body = RpcClient.parse(r.body());
        assertThat(body.get("status").asInt()).isEqualTo(c.getValue());
        assertThat(body.get("error").asText()).as(c.getKey()).isNotBlank();
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at dev.");
      }
      // What the JDK's client refuses to send: a broken escape, and a raw '<'.
      for (String raw : List.of("?room=known&limit=%zz", "?room=<known>")) {
        RawHttp.Response r =
            RawHttp.send(
                server.uri().getPort(),
                "GET",
                ViewerRoutes.HISTORY + raw,
                Map.of("Host", "127.0.0.1:" + server.uri().getPort()),
                null);
        assertThat(r.status()).as(raw).isEqualTo(400);
        assertThat(RpcClient.parse(r.body()).get("error").asText()).as(raw).isNotBlank();
      }
      HttpResponse<String> post =
          HTTP.send(
              HttpRequest.newBuilder(server.uri().resolve(ViewerRoutes.HISTORY + "?room=known"))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
      assertThat(RpcClient.parse(post.body()).get("error").asText()).contains("GET");

      // The oldest message: nothing before it.
      JsonNode start = page(server.uri(), "?room=known&before=msg-1&limit=5");
      assertThat(start.get("frames").size()).isZero();
      assertThat(start.get("has_more").asBoolean()).isFalse();
      assertThat(page(server.uri(), "?room=known&before=" + known).get("has_more").asBoolean())
          .isFalse();
    }
  }

  @Test
  void onlyAKeyThatMayWatchTheRoomReadsItsHistory() throws Exception {
    Path keys = dir.resolve("keys.json");
    String alice = AccessKeys.add(keys, "alice", List.of("release"), false, true);
    String watcher = AccessKeys.add(keys, "watcher", List.of("release"), true, false);
    String bots = AccessKeys.add(keys, "bots", List.of("*"), false, false);
    try (ParleyServer server =
        new ParleyServer(
                ServerConfig.ephemeral().withDataDir(dir.resolve("data")), AccessKeys.open(keys))
            .start()) {
      RpcClient anonymous = RpcClient.at(server.uri());
      RpcClient a =
          anonymous.withSession(
              anonymous
                  .call("login", Map.of("username", "alice", "room", "release", "key", alice))
                  .get("session")
                  .asText());
      say(a, "the release is out");
      anonymous.call("login", Map.of("username", "bots/x", "room", "hidden", "key", bots));

      HttpResponse<String> none = get(server.uri(), "?room=release", null);
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
      assertThat(RpcClient.parse(none.body()).get("reason").asText()).isEqualTo("key_required");
      assertThat(get(server.uri(), "?room=release", "pk_notakeyofthisdaemon000").statusCode())
          .isEqualTo(401);
      HttpResponse<String> notObserver = get(server.uri(), "?room=release", alice);
      assertThat(notObserver.statusCode()).isEqualTo(403);
      HttpResponse<String> otherRoom = get(server.uri(), "?room=hidden", watcher);
      assertThat(otherRoom.statusCode()).isEqualTo(403);
      assertThat(RpcClient.parse(otherRoom.body()).get("reason").asText()).isEqualTo("room");
      // Refused the same whether the room exists or not: a refusal tells nothing of rooms.
      assertThat(get(server.uri(), "?room=nosuchroom", watcher).statusCode()).isEqualTo(403);

      HttpResponse<String> byHeader = get(server.uri(), "?room=release", watcher);
      assertThat(byHeader.statusCode()).isEqualTo(200);
      assertThat(chats(RpcClient.parse(byHeader.body()))).containsExactly("the release is out");
      HttpResponse<String> byParameter =
          get(
              server.uri(),
              "?room=release&access_token=" + URLEncoder.encode(watcher, StandardCharsets.UTF_8),
              null);
      assertThat(byParameter.statusCode()).isEqualTo(200);
      assertThat(chats(RpcClient.parse(byParameter.body()))).containsExactly("the release is out");
    }
  }
}
