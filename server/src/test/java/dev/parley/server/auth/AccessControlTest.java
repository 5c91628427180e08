package dev.parley.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.ParleyServer;
import dev.parley.server.ServerConfig;
import dev.parley.server.testing.RpcClient;
import dev.parley.viewer.observe.FrameClient;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon with {@code --auth keys}, on a real port: who may log in as whom and where, which rooms
 * {@code rooms} and {@code /observe} show, and how a change of the keys file is picked up while it
 * runs.
 */
class AccessControlTest {
  private static final Duration BOUND = Duration.ofSeconds(30);
  private static final int ACCESS_DENIED = 40013;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  static Path keysFile;
  static ParleyServer server;
  static RpcClient anonymous;
  static String alice;
  static String bots;
  static String watcher;

  @BeforeAll
  static void start() throws Exception {
    keysFile = dir.resolve("keys.json");
    alice = AccessKeys.add(keysFile, "alice", List.of("release"), false, true);
    bots = AccessKeys.add(keysFile, "bots", List.of("*"), false, false);
    watcher = AccessKeys.add(keysFile, "watcher", List.of("release"), true, false);
    server =
        new ParleyServer(
                ServerConfig.ephemeral().withDataDir(dir.resolve("data")),
                AccessKeys.open(keysFile))
            .start();
    anonymous = RpcClient.at(server.uri());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Map<String, Object> login(String username, String room, String key) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("username", username);
    params.put("room", room);
    if (key != null) {
      params.put("key", key);
    }
    return params;
  }

  private static String denied(Map<String, Object> params) {
    JsonNode error = anonymous.error("login", params, ACCESS_DENIED);
    assertThat(error.path("data").path("detail").asText()).isNotBlank();
    return error.path("data").path("reason").asText();
  }

  private static List<String> rooms(RpcClient client) {
    return StreamSupport.stream(client.call("rooms").get("rooms").spliterator(), false)
        .map(r -> r.get("room").asText())
        .toList();
  }

  @Test
  void aNewSessionNeedsAKnownKeyForItsNameAndRoom() {
    assertThat(denied(login("alice", "release", null))).isEqualTo("key_required");
    assertThat(denied(login("alice", "release", "pk_notakeyofthisdaemon000")))
        .isEqualTo("unknown_key");
    assertThat(denied(login("alice", "secret", alice))).isEqualTo("room");
    assertThat(denied(login("bob", "release", alice))).isEqualTo("username");
    assertThat(denied(login("alicex", "release", alice)))
        .as("a name is not a prefix of letters")
        .isEqualTo("username");
    // The rule applies to the name as normalised: fullwidth letters are the name itself.
    assertThat(anonymous.call("login", login("ａｌｉｃｅ", "release", alice)).get("username").asText())
        .isEqualTo("alice");
    // A refused login made no room.
    assertThat(rooms(anonymous.withSession(bots))).doesNotContain("secret");
  }

  @Test
  void namesUnderAKeyAndEveryRoomOfAStarKey() {
    assertThat(
            anonymous.call("login", login("bots/ada", "anywhere", bots)).get("username").asText())
        .isEqualTo("bots/ada");
    assertThat(anonymous.call("login", login("bots", "elsewhere", bots)).get("room").asText())
        .isEqualTo("elsewhere");
    // One part under the name, so that no name under a key reads as another's.
    assertThat(denied(login("bots/", "anywhere", bots))).isEqualTo("username");
    assertThat(denied(login("bots/../alice", "anywhere", bots))).isEqualTo("username");
    assertThat(denied(login("bots/ alice", "anywhere", bots))).isEqualTo("username");
    assertThat(denied(login("botsy", "anywhere", bots))).isEqualTo("username");
  }

  @Test
  void aLiveSessionResumesWithItsTokenAlone() {
    JsonNode first = anonymous.call("login", login("alice/resumer", "release", alice));
    Map<String, Object> resume = login("alice/resumer", "release", null);
    resume.put("resume", first.get("session").asText());
    JsonNode again = anonymous.call("login", resume);
    assertThat(again.get("resumed").asBoolean()).isTrue();
    assertThat(again.get("session").asText()).isEqualTo(first.get("session").asText());
  }

  @Test
  void roomsNeedsAKeyOrASessionAndListsOnlyItsRooms() {
    anonymous.call("login", login("bots/maker", "hidden", bots));
    anonymous.call("login", login("alice/maker", "release", alice));
    JsonNode refused = anonymous.error("rooms", Map.of(), ACCESS_DENIED);
    assertThat(refused.path("data").path("reason").asText()).isEqualTo("key_required");
    assertThat(
            anonymous
                .withSession("pk_notakeyofthisdaemon000")
                .error("rooms", Map.of(), ACCESS_DENIED)
                .path("data")
                .path("reason")
                .asText())
        .isEqualTo("unknown_key");

    assertThat(rooms(anonymous.withSession(alice))).containsExactly("release");
    assertThat(rooms(anonymous.withSession(bots))).contains("release", "hidden");
    String session =
        anonymous.call("login", login("alice/lister", "release", alice)).get("session").asText();
    assertThat(rooms(anonymous.withSession(session))).containsExactly("release");
  }

  private static HttpResponse<String> observe(String query, String bearer) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(server.uri().resolve("/observe" + query)).GET();
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String token(String key) {
    return URLEncoder.encode(key, StandardCharsets.UTF_8);
  }

  @Test
  void observingNeedsAKeyThatMayObserve() throws Exception {
    HttpResponse<String> none = observe("", null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(RpcClient.parse(none.body()).get("reason").asText()).isEqualTo("key_required");
    assertThat(observe("", "pk_notakeyofthisdaemon000").statusCode()).isEqualTo(401);
    assertThat(observe("?access_token=pk_notakeyofthisdaemon000", null).statusCode())
        .isEqualTo(401);

    HttpResponse<String> mayNot = observe("", alice);
    assertThat(mayNot.statusCode()).isEqualTo(403);
    assertThat(RpcClient.parse(mayNot.body()).get("reason").asText()).isEqualTo("observe");
    assertThat(observe("?access_token=" + token(alice), null).statusCode()).isEqualTo(403);
    HttpResponse<String> otherRoom = observe("?room=hidden&access_token=" + token(watcher), null);
    assertThat(otherRoom.statusCode()).isEqualTo(403);
    assertThat(RpcClient.parse(otherRoom.body()).get("reason").asText()).isEqualTo("room");

    assertThatThrownBy(() -> FrameClient.connect(server.uri(), "", null))
        .hasMessageContaining("401");
    assertThatThrownBy(
            () -> FrameClient.connect(server.uri(), "?access_token=" + token(alice), null))
        .hasMessageContaining("403");
  }

  private static boolean chat(JsonNode frame, String content) {
    return frame.path("parsed_content").path("content").asText().equals(content);
  }

  @Test
  void anObserverSeesOnlyTheRoomsOfItsKey() throws Exception {
    RpcClient hidden =
        anonymous.withSession(
            anonymous
                .call("login", login("bots/hider", "hidden-room", bots))
                .get("session")
                .asText());
    try (FrameClient byHeader = FrameClient.connect(server.uri(), "", watcher);
        FrameClient byQuery =
            FrameClient.connect(server.uri(), "?access_token=" + token(watcher), null)) {
      JsonNode welcome = byHeader.next(BOUND);
      assertThat(welcome.get("type").asText()).isEqualTo("welcome");
      assertThat(welcome.get("participants"))
          .allSatisfy(p -> assertThat(p.get("room").asText()).isEqualTo("release"));
      byQuery.next(BOUND);

      hidden.call("append", Map.of("text", "not for the watcher"));
      hidden.call("push");
      RpcClient shown =
          anonymous.withSession(
              anonymous
                  .call("login", login("alice/speaker", "release", alice))
                  .get("session")
                  .asText());
      shown.call("append", Map.of("text", "for the watcher"));
      shown.call("push");
      for (FrameClient observer : List.of(byHeader, byQuery)) {
        List<JsonNode> seen = observer.until(f -> chat(f, "for the watcher"), BOUND);
        assertThat(seen)
            .allSatisfy(f -> assertThat(f.path("room").asText("release")).isEqualTo("release"));
      }
    }
  }

  @Test
  void aKeyAddedOrRemovedWhileTheDaemonRunsCountsWithoutARestart() throws Exception {
    String late = AccessKeys.add(keysFile, "late", List.of("release"), true, false);
    await()
        .atMost(BOUND)
        .until(() -> anonymous.request("login", login("late", "release", late)).has("result"));
    RpcClient speaker =
        anonymous.withSession(
            anonymous
                .call("login", login("bots/speaker", "release", bots))
                .get("session")
                .asText());
    try (FrameClient watching = FrameClient.connect(server.uri(), "", late)) {
      watching.next(BOUND);

      assertThat(AccessKeys.remove(keysFile, "late")).isTrue();
      await()
          .atMost(BOUND)
          .until(
              () -> {
                JsonNode response =
                    anonymous.request("login", login("late/again", "release", late));
                return response
                    .path("error")
                    .path("data")
                    .path("reason")
                    .asText()
                    .equals("unknown_key");
              });
      assertThat(
              anonymous
                  .withSession(late)
                  .error("rooms", Map.of(), ACCESS_DENIED)
                  .path("data")
                  .path("reason")
                  .asText())
          .isEqualTo("unknown_key");
      // The observer of the removed key is closed at its next frame, not left connected and silent.
      speaker.call("append", Map.of("text", "after the key was removed"));
      speaker.call("push");
      assertThat(watching.closeCode(BOUND)).isEqualTo(1008);
    }
  }

  @Test
  void theFileKeepsOnlyHashesReadableByItsOwner() throws Exception {
    String text = Files.readString(keysFile);
    assertThat(text).doesNotContain(alice, bots, watcher).contains("key_sha256");
    assertThat(alice).startsWith(AccessKeys.PREFIX).hasSizeGreaterThanOrEqualTo(46);
    if (keysFile.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(
              java.nio.file.attribute.PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(keysFile)))
          .isEqualTo("rw-------");
    }
  }
}
