package dev.parley.server.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.testing.Daemon;
import dev.parley.server.testing.RpcClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Params are validated against the OpenRPC document's schemas before any method runs: a failure is
 * -32602 whose {@code data.pointer} names the failing param, and absent params get their declared
 * defaults.
 */
class ParamsValidationTest {
  /** 2^63: one more than the largest int64. */
  private static final BigInteger TWO_TO_63 = BigInteger.TWO.pow(63);

  /** Four UTF-16 units but two characters: limits count characters, as JSON Schema does. */
  private static final String EMOJI = "\uD83D\uDE00";

  @RegisterExtension static final Daemon server = Daemon.withDefaults();

  /** A logged-in client, so that session-bound methods get as far as validation honestly. */
  private static RpcClient ann;

  @BeforeAll
  static void start() throws Exception {
    ann = server.login("ann", "validation");
  }

  static Stream<Arguments> wrongTypes() {
    return Stream.of(
        Arguments.of("login", Map.of("username", 42), "/username"),
        Arguments.of("login", Map.of("username", List.of("ann")), "/username"),
        Arguments.of("login", Map.of("username", "bo", "room", 7), "/room"),
        Arguments.of("login", Map.of("username", "bo", "floor", true), "/floor"),
        Arguments.of("login", Map.of("username", "bo", "resume", 1234), "/resume"),
        Arguments.of("append", Map.of("text", 5), "/text"),
        Arguments.of("append", Map.of("text", Map.of("t", "x")), "/text"),
        Arguments.of("push", Map.of("force", "yes"), "/force"),
        Arguments.of("push", Map.of("force", 1), "/force"),
        Arguments.of("push", Map.of("txn_id", 7), "/txn_id"),
        Arguments.of("check", Map.of("timeout_ms", "1000"), "/timeout_ms"),
        Arguments.of("check", Map.of("timeout_ms", 1.5), "/timeout_ms"),
        Arguments.of("check", Map.of("wake_on", false), "/wake_on"),
        Arguments.of("history", Map.of("limit", "10"), "/limit"),
        Arguments.of("history", Map.of("limit", 2.5), "/limit"),
        Arguments.of("history", Map.of("before", true), "/before"),
        Arguments.of("history", Map.of("after", Map.of()), "/after"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("wrongTypes")
  void aParamOfTheWrongTypeIsNamed(String method, Map<String, ?> params, String pointer) {
    invalid(method, params, pointer);
  }

  @Test
  void aMissingRequiredParamIsNamed() {
    invalid("login", Map.of(), "/username");
    invalid("login", Map.of("room", "validation"), "/username");
    invalid("append", Map.of(), "/text");
  }

  @Test
  void anUnknownParamIsNamed() {
    invalid("rooms", Map.of("verbose", true), "/verbose");
    invalid("login", Map.of("username", "bo", "colour", "blue"), "/colour");
    invalid("undo", Map.of("segments", 2), "/segments");
    // A near miss of a real name is not silently ignored (the wait would not be what was asked).
    invalid("check", Map.of("timeout", 5), "/timeout");
    invalid("rpc.discover", Map.of("x", 1), "/x");
  }

  @Test
  void thePointerEscapesSlashAndTildeAsRfc6901Says() {
    // Otherwise "/a/b" would point at param "a"'s member "b", not at a param named "a/b".
    invalid("rooms", Map.of("a/b", 1), "/a~1b");
    invalid("rooms", Map.of("x~y", 1), "/x~0y");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Lobby",
        "-lobby",
        "_lobby",
        "lob by",
        "lobby!",
        "",
        "ロビー",
        "lobby\n",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      })
  void aRoomNameBreakingThePatternIsNamed(String room) {
    invalid("login", Map.of("username", "bo", "room", room), "/room");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"0", "a-b_c", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
  void roomNamesInsideThePatternAreAccepted(String room) {
    // The boundary of the pattern: one character, and exactly 64.
    assertThat(
            server
                .client()
                .call("login", Map.of("username", "bo", "room", room))
                .get("room")
                .asText())
        .isEqualTo(room);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "abcdefghijklmnopqrstuvwxyz0123456",
        "a\u0007b",
        "tab\there",
        "new\nline",
        "del\u007F",
        "trailing\n",
        "crlf\r\n"
      })
  void aUsernameOutsideItsSchemaIsNamed(String username) {
    invalid("login", Map.of("username", username), "/username");
  }

  @Test
  void usernameLengthCountsCharactersNotUtf16Units() {
    // 32 emoji are 32 characters (64 UTF-16 units): allowed; 33 are not.
    invalid("login", Map.of("username", EMOJI.repeat(33), "room", "emoji"), "/username");
    JsonNode result =
        server.client().call("login", Map.of("username", EMOJI.repeat(32), "room", "emoji"));
    assertThat(result.get("username").asText()).isEqualTo(EMOJI.repeat(32));
    // And 32 plain characters, the other side of the boundary.
    assertThat(
            server
                .client()
                .call(
                    "login",
                    Map.of("username", "abcdefghijklmnopqrstuvwxyz012345", "room", "emoji"))
                .get("username")
                .asText())
        .hasSize(32);
  }

  @Test
  void aTxnIdOutsideOneTo64CharactersIsNamed() {
    invalid("push", Map.of("txn_id", "t".repeat(65)), "/txn_id");
    invalid("push", Map.of("txn_id", ""), "/txn_id");
    // 64 is allowed: the push goes through.
    RpcClient txn = server.login("txn", "txn");
    txn.call("append", Map.of("text", "hello"));
    assertThat(txn.call("push", Map.of("txn_id", "t".repeat(64))).get("status").asInt())
        .isEqualTo(1);
  }

  @Test
  void aNegativeTimeoutIsNamed() {
    invalid("check", Map.of("timeout_ms", -1), "/timeout_ms");
  }

  @Test
  void integersBeyondInt64AreInvalidParamsNotInternalErrors() {
    // The generated API takes these as long: a larger number must be refused by validation,
    // not overflow while the call is dispatched.
    invalid("check", Map.of("timeout_ms", TWO_TO_63), "/timeout_ms");
    invalid("check", Map.of("timeout_ms", new BigInteger("1" + "0".repeat(40))), "/timeout_ms");
    invalid("check", Map.of("timeout_ms", 1e30), "/timeout_ms");
    invalid("history", Map.of("before", TWO_TO_63), "/before");
    invalid("history", Map.of("after", TWO_TO_63.negate()), "/after");
  }

  @Test
  void theLargestInt64TimeoutIsAccepted() {
    // A pending message ends the check at once, so the huge timeout costs nothing here.
    RpcClient waiter = server.login("waiter", "int64");
    server.login("joiner", "int64");
    JsonNode result = waiter.call("check", Map.of("timeout_ms", Long.MAX_VALUE));
    assertThat(result.get("status").asInt()).isEqualTo(1);
    assertThat(RpcClient.lines(result)).contains("system: joiner has joined");
  }

  @Test
  void historyBoundsAreNamed() {
    invalid("history", Map.of("limit", 0), "/limit");
    invalid("history", Map.of("limit", 201), "/limit");
    invalid("history", Map.of("before", 0), "/before");
    invalid("history", Map.of("after", -1), "/after");
    // The boundaries themselves are fine, and 5.0 is an integer as JSON Schema counts them.
    for (Object limit : List.of(1, 200, 5.0)) {
      assertThat(ann.call("history", Map.of("limit", limit)).get("messages").isArray()).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sometimes", "ANY", "", "mention "})
  void anUnknownWakeOnIsNamed(String wakeOn) {
    invalid("check", Map.of("wake_on", wakeOn), "/wake_on");
  }

  @Test
  void enumsAndPatternsOfLoginAreChecked() {
    invalid("login", Map.of("username", "bo", "floor", "closed"), "/floor");
    invalid("login", Map.of("username", "bo", "resume", "short"), "/resume");
    invalid(
        "login", Map.of("username", "bo", "resume", "not a token but long enough!!"), "/resume");
    // A line break after an otherwise valid token: "$" must mean the very end, as in ECMA-262.
    invalid("login", Map.of("username", "bo", "resume", "A".repeat(22) + "\n"), "/resume");
  }

  @Test
  void anExplicitNullIsNotAnAbsentParam() {
    // null is not the string, boolean or integer the schema asks for, and gets no default.
    invalid("login", withNull(Map.of("username", "bo"), "room"), "/room");
    invalid("push", withNull(Map.of(), "force"), "/force");
    invalid("history", withNull(Map.of(), "limit"), "/limit");
    invalid("login", withNull(Map.of(), "username"), "/username");
  }

  @Test
  void everyFailureIsListedAndThePointerIsOneOfThem() {
    JsonNode error = invalidAny("login", Map.of("username", 5, "room", "BAD", "extra", 1));
    List<String> pointers = error.at("/data/errors").findValuesAsText("pointer");
    assertThat(pointers).contains("/username", "/room", "/extra");
    assertThat(pointers).contains(error.at("/data/pointer").asText());
  }

  @Test
  void loginWithoutRoomLandsInTheLobby() {
    JsonNode result = server.client().call("login", Map.of("username", "defaulted"));
    assertThat(result.get("room").asText()).isEqualTo("lobby");
    RpcClient defaulted = server.client().withSession(result.get("session").asText());
    assertThat(defaulted.call("participants").get("participants").findValuesAsText("username"))
        .contains("defaulted");
  }

  @Test
  void historyWithoutLimitReturnsTheDeclaredDefaultOf50() {
    // 55 joins write 55 system messages; the default page holds 50 of them.
    RpcClient first = server.login("p0", "paging");
    for (int i = 1; i < 55; i++) {
      server.login("p" + i, "paging");
    }
    JsonNode page = first.call("history");
    assertThat(page.get("messages")).hasSize(50);
    assertThat(page.get("has_more").asBoolean()).isTrue();
    // The most recent 50: the last join is in, the first five are not.
    assertThat(RpcClient.lines(page))
        .contains("system: p54 has joined")
        .doesNotContain("system: p4 has joined");
  }

  @Test
  void pushWithoutForceIsInterruptedAsTheDeclaredDefaultFalseSays() {
    RpcClient a = server.login("a", "force");
    RpcClient b = server.login("b", "force");
    a.call("append", Map.of("text", "mine"));
    b.call("append", Map.of("text", "theirs"));
    // b's chat message arrives after a's last response: a push that omits force must not send.
    assertThat(b.call("push", Map.of("force", true)).get("status").asInt()).isEqualTo(1);
    JsonNode pushed = a.call("push");
    assertThat(pushed.get("status").asInt()).isEqualTo(0);
    assertThat(pushed.get("interrupted").asBoolean()).isTrue();
    assertThat(RpcClient.chatLines(pushed)).containsExactly("b: theirs");
  }

  static Stream<Arguments> loneSurrogates() {
    // As JSON escapes in the body itself: Jackson decodes them into Java strings holding the
    // lone surrogate, which no UTF-8 encoder can write.
    return Stream.of(
        Arguments.of("login", "{\"username\": \"ann\\ud800\"}", "/username"),
        Arguments.of("login", "{\"username\": \"\\udfffann\"}", "/username"),
        Arguments.of("login", "{\"username\": \"\\ude00\\ud83d\"}", "/username"),
        Arguments.of("login", "{\"username\": \"bo\", \"room\": \"lobby\\ud800\"}", "/room"),
        Arguments.of(
            "login",
            "{\"username\": \"bo\", \"resume\": \"\\ud800AAAAAAAAAAAAAAAAAAAAA\"}",
            "/resume"),
        Arguments.of("append", "{\"text\": \"half \\ud83d\"}", "/text"),
        Arguments.of("push", "{\"txn_id\": \"t\\ud800\"}", "/txn_id"),
        Arguments.of("check", "{\"wake_on\": \"\\udc00any\"}", "/wake_on"),
        Arguments.of("note", "{\"kind\": \"thinking\", \"content\": \"\\ud800\"}", "/content"),
        Arguments.of("note", "{\"kind\": \"thinking\\ud800\", \"content\": \"x\"}", "/kind"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("loneSurrogates")
  void aLoneSurrogateInAnyStringParamIsNamed(String method, String params, String pointer)
      throws CharacterCodingException {
    HttpResponse<byte[]> http =
        postRaw(
            "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \""
                + method
                + "\", \"params\": "
                + params
                + "}");
    // The answer itself is well-formed UTF-8: nothing of the bad string is echoed.
    String body =
        StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(http.body())).toString();
    JsonNode response = RpcClient.parse(body);
    RpcClient.checkAgainstSpec(method, response);
    assertThat(response.at("/error/code").asInt()).as("%s", response).isEqualTo(-32602);
    assertThat(response.at("/error/data/pointer").asText()).isEqualTo(pointer);
    assertThat(response.at("/error/data/detail").asText()).contains("surrogate");
  }

  @Test
  void anEscapedSurrogatePairIsOneCharacterAndWelcome() {
    HttpResponse<byte[]> http =
        postRaw(
            "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"login\", "
                + "\"params\": {\"username\": \"pair\\ud83d\\ude00\", \"room\": \"pairs\"}}");
    JsonNode response = RpcClient.parse(new String(http.body(), StandardCharsets.UTF_8));
    assertThat(response.at("/result/username").asText()).isEqualTo("pair" + EMOJI);
  }

  // ---- Helpers -----------------------------------------------------------------------------

  /** Calls {@code method} as ann, expects -32602 naming {@code pointer}; returns the error. */
  private static JsonNode invalid(String method, Map<String, ?> params, String pointer) {
    JsonNode error = invalidAny(method, params);
    assertThat(error.at("/data/pointer").asText()).as("pointer of %s", error).isEqualTo(pointer);
    assertThat(error.at("/data/errors").findValuesAsText("pointer")).contains(pointer);
    return error;
  }

  private static JsonNode invalidAny(String method, Map<String, ?> params) {
    JsonNode error = ann.error(method, params, -32602);
    assertThat(error.get("message").asText()).isEqualTo("Invalid params");
    assertThat(error.at("/data/detail").asText()).isNotBlank();
    return error;
  }

  /** Posts a body as written, as ann, and returns the answer's raw bytes. */
  private static HttpResponse<byte[]> postRaw(String body) {
    HttpRequest request =
        HttpRequest.newBuilder(server.uri().resolve("/rpc"))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + ann.session())
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      assertThat(response.statusCode()).isEqualTo(200);
      return response;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> withNull(Map<String, ?> params, String nullName) {
    Map<String, Object> out = new HashMap<>(params);
    out.put(nullName, null);
    return out;
  }
}
