package dev.parley.server.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.server.ServerLimits;
import dev.parley.server.testing.Daemon;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.SocketClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * JSON-RPC 2.0 as its specification says, over real HTTP and (for the cases that are JSON-RPC's,
 * not HTTP's) over the WebSocket door: the specification's own examples (section 7, translated to
 * Parley's methods), the envelope rules around them, the batch and body limits, and a list of
 * hostile bodies that must never get a 500 or a non-JSON answer.
 */
class JsonRpcConformanceTest {
  /** Small limits, so that the limit tests need neither big batches nor big bodies. */
  private static final int BATCH_LIMIT = 3;

  private static final int BODY_LIMIT = 1024;

  /** Plain HTTP, for what RpcClient cannot send: other verbs, raw bytes, chunked bodies. */
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  /** Reads numbers exactly, so that an echoed id can be compared with the one sent. */
  private static final ObjectMapper EXACT =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

  /** A frame of a Java stack trace, as a logger or printStackTrace writes it. */
  private static final Pattern STACK_FRAME =
      Pattern.compile("\\bat [\\w$.]+\\([\\w$]*(\\.java:\\d+|Native Method)?\\)");

  @RegisterExtension static final Daemon server = Daemon.withDefaults();

  @RegisterExtension
  static final Daemon limited =
      Daemon.with(ServerLimits.defaults().withRequestSize(BODY_LIMIT, BATCH_LIMIT));

  private static RpcClient rpc;

  @BeforeAll
  static void start() throws Exception {
    rpc = server.client();
  }

  /**
   * The cases that are JSON-RPC's, not HTTP's, from one list, over each door: {@code POST /rpc} and
   * {@code /rpc/ws} (where a body is one text frame, and "no answer" is a frame that gets none
   * before the next one is answered).
   */
  @Nested
  @ParameterizedClass(name = "over {0}")
  @EnumSource(Door.class)
  class OverEachDoor {
    @Parameter Door door;

    /** A room of this door's run: the daemon is the class's, both doors' runs share it. */
    private String room(String name) {
      return name + "-" + door.name().toLowerCase(java.util.Locale.ROOT);
    }

    // ---- The examples of the JSON-RPC 2.0 specification, section 7 -------------------------

    @Test
    void positionalParamsAreRefusedByOurByNameMethodsButAnEmptyArrayMeansNoParams() {
      // Spec: {"method": "subtract", "params": [42, 23], "id": 1}. Ours take params by name only.
      JsonNode refused =
          answer(
              door,
              """
          {"jsonrpc": "2.0", "method": "login", "params": ["claude", "lobby"], "id": 1}""",
              "login");
      assertThat(refused.at("/error/code").asInt()).isEqualTo(-32602);
      assertThat(refused.at("/error/data/pointer").isTextual()).isTrue();
      assertThat(refused.get("id").asInt()).isEqualTo(1);

      JsonNode accepted =
          answer(
              door,
              """
          {"jsonrpc": "2.0", "method": "rooms", "params": [], "id": 2}""",
              "rooms");
      assertThat(accepted.has("error")).as("%s", accepted).isFalse();
      assertThat(accepted.at("/result/rooms").isArray()).isTrue();
      assertThat(accepted.get("id").asInt()).isEqualTo(2);
    }

    @Test
    void namedParamsMayComeInAnyOrder() {
      // Spec: {"subtrahend": 23, "minuend": 42} and {"minuend": 42, "subtrahend": 23} agree.
      JsonNode first =
          answer(
              door,
              """
          {"jsonrpc": "2.0", "method": "login", "params": {"username": "ann", "room": "%s"}, "id": 3}"""
                  .formatted(room("named")),
              "login");
      JsonNode second =
          answer(
              door,
              """
          {"jsonrpc": "2.0", "method": "login", "params": {"room": "%s", "username": "bob"}, "id": 4}"""
                  .formatted(room("named")),
              "login");
      assertThat(first.at("/result/room").asText()).isEqualTo(room("named"));
      assertThat(second.at("/result/room").asText()).isEqualTo(room("named"));
      assertThat(second.at("/result/participants").findValuesAsText("username"))
          .contains("ann", "bob");
      assertThat(first.get("id").asInt()).isEqualTo(3);
      assertThat(second.get("id").asInt()).isEqualTo(4);
    }

    @Test
    void aNotificationIsCarriedOutButNotAnswered() {
      // Spec: {"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]} gets nothing back.
      assertNoAnswer(
          door.exchange(
              server.uri(),
              null,
              """
          {"jsonrpc": "2.0", "method": "login", "params": {"username": "quiet", "room": "%s"}}"""
                  .formatted(room("notified"))));
      // It still ran: the room it created exists, with its one participant.
      JsonNode rooms = server.client().call("rooms");
      assertThat(rooms.get("rooms").findValues("room").stream().map(JsonNode::asText))
          .contains(room("notified"));
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "{\"jsonrpc\": \"2.0\", \"method\": \"foobar\"}",
          "{\"jsonrpc\": \"2.0\", \"method\": \"login\", \"params\": [1, 2, 3, 4, 5]}",
          "{\"jsonrpc\": \"2.0\", \"method\": \"login\", \"params\": {}}",
          "{\"jsonrpc\": \"2.0\", \"method\": \"append\", \"params\": {\"text\": \"no session\"}}",
          "{\"jsonrpc\": \"2.0\", \"method\": \"history\", \"params\": {\"limit\": 0}}",
        })
    void aFailingNotificationIsNotAnsweredEither(String body) {
      // The specification forbids answering a notification, errors included.
      assertNoAnswer(door.exchange(server.uri(), null, body));
    }

    @Test
    void aMethodThatDoesNotExistIsMinus32601() {
      JsonNode response =
          answer(
              door,
              """
          {"jsonrpc": "2.0", "method": "foobar", "id": "1"}""",
              "foobar");
      assertThat(response.at("/error/code").asInt()).isEqualTo(-32601);
      assertThat(response.at("/error/message").asText()).isEqualTo("Method not found");
      assertThat(response.at("/error/data/method").asText()).isEqualTo("foobar");
      assertThat(response.get("id").asText()).isEqualTo("1");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "toString",
          "hashCode",
          "getClass",
          "wait",
          "notify",
          "rpcDiscover",
          "talkingStick",
          "LOGIN",
          "rpc.discover ",
          " rooms",
          ""
        })
    void javaMethodsAndNearMissesOfOurNamesAreNotMethods(String method) {
      // The dispatcher reflects over a Java object: none of its other methods may be reachable.
      JsonNode response = answer(door, call(method, null, "7"), method);
      assertThat(response.at("/error/code").asInt()).isEqualTo(-32601);
      assertThat(response.at("/error/data/method").asText()).isEqualTo(method);
    }

    @Test
    void invalidJsonIsAParseErrorWithIdNull() {
      JsonNode response =
          answer(
              door,
              """
          {"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]""",
              "");
      assertThat(response.at("/error/code").asInt()).isEqualTo(-32700);
      assertThat(response.at("/error/message").asText()).isEqualTo("Parse error");
      assertThat(response.get("id").isNull()).isTrue();
    }

    static Stream<Arguments> unparseableBodies() {
      return Stream.of(
          Arguments.of(
              "{\"jsonrpc\": \"2.0\", \"method\":",
              "ends before it is complete",
              "line 1, column 29"),
          Arguments.of("{\"id\": 1}{", "more follows after the JSON value", "line 1, column 10"),
          Arguments.of(
              "{\"id\": 1, \"id\": 2}", "the key \"id\" appears twice in one object", "line 1"),
          Arguments.of("nope", "nope is not a JSON value", "line 1, column 1"),
          Arguments.of(
              "{\n  'id': 1}",
              "unexpected character ' (expected double-quote to start field name)",
              "line 2, column 3"),
          Arguments.of(
              "{\"a\": \"x\ny\"}",
              "a control character (code 10) in a string must be escaped",
              "line 1"),
          Arguments.of("{\"a\": NaN}", "NaN is not a JSON value", "line 1, column"),
          Arguments.of("[".repeat(1200) + "]".repeat(1200), "nested deeper than 1000 levels", ""),
          Arguments.of(
              "{\"a\": " + "9".repeat(2000) + "}", "a number longer than 1000 digits", ""));
    }

    @ParameterizedTest
    @MethodSource("unparseableBodies")
    void aParseErrorSaysWhatIsWrongAndWhereInPlainWords(String body, String what, String where) {
      JsonNode response = answer(door, body, "");
      assertThat(response.at("/error/code").asInt()).isEqualTo(-32700);
      String detail = response.at("/error/data/detail").asText();
      assertThat(detail).startsWith("not valid JSON: ").contains(what).contains(where);
      // No names of the parser's classes, features or settings.
      assertThat(detail)
          .doesNotContain(
              "`", "Jackson", "jackson", "Feature", "Constraints", "JsonNode", "CTRL-CHAR");
    }

    @Test
    void anInvalidRequestObjectIsMinus32600WithIdNull() {
      JsonNode response =
          answer(
              door,
              """
          {"jsonrpc": "2.0", "method": 1, "params": "bar"}""",
              "");
      assertThat(response.at("/error/code").asInt()).isEqualTo(-32600);
      assertThat(response.at("/error/message").asText()).isEqualTo("Invalid Request");
      assertThat(response.get("id").isNull()).isTrue();
    }

    @Test
    void aBatchThatIsNotValidJsonGetsOneParseErrorNotAnArray() {
      JsonNode response =
          answer(
              door,
              """
          [
            {"jsonrpc": "2.0", "method": "rooms", "id": "1"},
            {"jsonrpc": "2.0", "method"
          ]""",
              "");
      assertThat(response.isObject()).as("%s", response).isTrue();
      assertThat(response.at("/error/code").asInt()).isEqualTo(-32700);
      assertThat(response.get("id").isNull()).isTrue();
    }

    @Test
    void anEmptyBatchGetsOneInvalidRequestNotAnArray() {
      JsonNode response = answer(door, "[]", "");
      assertThat(response.isObject()).as("%s", response).isTrue();
      assertThat(response.at("/error/code").asInt()).isEqualTo(-32600);
      assertThat(response.get("id").isNull()).isTrue();
    }

    @Test
    void aBatchOfOneNonObjectGetsAnArrayOfOneError() {
      JsonNode response = door.answer(server.uri(), null, "[1]");
      assertThat(response.isArray()).as("%s", response).isTrue();
      assertThat(response).hasSize(1);
      assertInvalidRequestWithNullId(response.get(0));
    }

    @Test
    void aBatchOfThreeNonObjectsGetsThreeErrors() {
      JsonNode response = door.answer(server.uri(), null, "[1, 2, 3]");
      assertThat(response.isArray()).as("%s", response).isTrue();
      assertThat(response).hasSize(3);
      response.forEach(JsonRpcConformanceTest::assertInvalidRequestWithNullId);
    }

    @Test
    void aMixedBatchAnswersEveryCallButNoNotification() {
      RpcClient mixer = server.login("mixer", room("mixed"));
      JsonNode response =
          door.answer(
              server.uri(),
              mixer.session(),
              """
          [
            {"jsonrpc": "2.0", "method": "rooms", "id": "1"},
            {"jsonrpc": "2.0", "method": "participants"},
            {"jsonrpc": "2.0", "method": "login", "params": {"username": "batched", "room": "%s"}, "id": "2"},
            {"foo": "boo"},
            {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
            {"jsonrpc": "2.0", "method": "participants", "id": "9"}
          ]"""
                  .formatted(room("mixed")));
      assertThat(response.isArray()).as("%s", response).isTrue();
      assertThat(response).hasSize(5);
      // The specification lets a server answer a batch in any order: match by id.
      Map<String, JsonNode> byId = new HashMap<>();
      List<JsonNode> nullIds = new ArrayList<>();
      for (JsonNode r : response) {
        if (r.get("id").isNull()) {
          nullIds.add(r);
        } else {
          byId.put(r.get("id").asText(), r);
        }
      }
      assertThat(byId).containsOnlyKeys("1", "2", "5", "9");
      checkSpec("rooms", byId.get("1"));
      checkSpec("login", byId.get("2"));
      checkSpec("foo.get", byId.get("5"));
      checkSpec("participants", byId.get("9"));
      assertThat(byId.get("1").has("result")).isTrue();
      assertThat(byId.get("2").at("/result/username").asText()).isEqualTo("batched");
      assertThat(byId.get("5").at("/error/code").asInt()).isEqualTo(-32601);
      // Calls run in order: the login of "2" is visible to "9" in the same batch.
      assertThat(byId.get("9").at("/result/participants").findValuesAsText("username"))
          .contains("mixer", "batched");
      assertThat(nullIds)
          .singleElement()
          .satisfies(JsonRpcConformanceTest::assertInvalidRequestWithNullId);
    }

    @Test
    void aBatchOfNotificationsOnlyGetsNoContent() {
      assertNoAnswer(
          door.exchange(
              server.uri(),
              null,
              """
          [
            {"jsonrpc": "2.0", "method": "rooms", "params": []},
            {"jsonrpc": "2.0", "method": "foobar"}
          ]"""));
    }

    // ---- The envelope ------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"\"bar\"", "5", "true", "null"})
    void paramsThatAreNeitherObjectNorArrayAreAnInvalidRequest(String params) {
      JsonNode response =
          answer(
              door,
              "{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"params\": "
                  + params
                  + ", \"id\": 11}",
              "rooms");
      assertThat(response.at("/error/code").asInt()).isEqualTo(-32600);
      // The id could be read, so it is echoed.
      assertThat(response.get("id").asInt()).isEqualTo(11);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "{\"method\": \"rooms\", \"id\": 12}",
          "{\"jsonrpc\": \"1.0\", \"method\": \"rooms\", \"id\": 12}",
          "{\"jsonrpc\": 2.0, \"method\": \"rooms\", \"id\": 12}",
          "{\"jsonrpc\": \"2.0 \", \"method\": \"rooms\", \"id\": 12}",
          "{\"jsonrpc\": null, \"method\": \"rooms\", \"id\": 12}",
        })
    void anythingButTheString20AsVersionIsAnInvalidRequest(String body) {
      JsonNode response = answer(door, body, "rooms");
      assertThat(response.at("/error/code").asInt()).isEqualTo(-32600);
      assertThat(response.get("id").asInt()).isEqualTo(12);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "{\"jsonrpc\": \"2.0\", \"id\": 13}",
          "{\"jsonrpc\": \"2.0\", \"method\": null, \"id\": 13}",
          "{\"jsonrpc\": \"2.0\", \"method\": [\"rooms\"], \"id\": 13}",
          "{\"jsonrpc\": \"2.0\", \"method\": {\"name\": \"rooms\"}, \"id\": 13}",
        })
    void aMissingOrNonStringMethodIsAnInvalidRequest(String body) {
      JsonNode response = answer(door, body, "");
      assertThat(response.at("/error/code").asInt()).isEqualTo(-32600);
      assertThat(response.get("id").asInt()).isEqualTo(13);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": 1} garbage",
          "{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": 1}}",
          "{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": 1} {\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": 2}",
          "[{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": 1}] []",
          "{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": 1} 0",
        })
    void trailingContentAfterTheJsonValueIsAParseError(String body) {
      // A lenient parser would answer the first value and drop the rest silently.
      JsonNode response = answer(door, body, "");
      assertThat(response.at("/error/code").asInt()).isEqualTo(-32700);
      assertThat(response.get("id").isNull()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": 1, \"id\": 2}",
          "{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"method\": \"login\", \"id\": 1}",
          "{\"jsonrpc\": \"2.0\", \"method\": \"login\", \"params\": {\"username\": \"a\", \"username\": \"b\"}, \"id\": 1}",
        })
    void duplicateKeysAreAParseError(String body) {
      // Which duplicate wins differs between parsers; refusing them removes the ambiguity.
      JsonNode response = answer(door, body, "");
      assertThat(response.at("/error/code").asInt()).isEqualTo(-32700);
      assertThat(response.get("id").isNull()).isTrue();
    }

    @Test
    void aRequestWithIdNullIsAnsweredWithIdNull() {
      JsonNode response =
          answer(
              door,
              """
          {"jsonrpc": "2.0", "method": "rooms", "id": null}""",
              "rooms");
      assertThat(response.has("result")).as("%s", response).isTrue();
      assertThat(response.has("id")).isTrue();
      assertThat(response.get("id").isNull()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"n\": 1}", "[]", "[1]", "true", "false"})
    void anIdOfTheWrongTypeIsAnInvalidRequestWithIdNull(String id) {
      JsonNode response =
          answer(
              door, "{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": " + id + "}", "rooms");
      assertThat(response.at("/error/code").asInt()).isEqualTo(-32600);
      assertThat(response.get("id").isNull()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "\"\"",
          "\"c-1\"",
          "\"ünïcødé ✓ \\ud83d\\ude00\"",
          "0",
          "-7",
          "9007199254740993",
          "123456789012345678901234567890",
          "1.5",
          "10.0",
          "-0.25",
          "1e400",
          "1E-400"
        })
    void theIdIsEchoedExactly(String id) throws IOException {
      // Exactly: a big or fractional number must come back as the same number, not rounded,
      // not a double, and never turned into a string such as "Infinity".
      String body =
          door.exchange(
                  server.uri(),
                  null,
                  "{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": " + id + "}")
              .orElseThrow();
      JsonNode sent = EXACT.readTree(id);
      JsonNode echoed = EXACT.readTree(body).get("id");
      assertThat(echoed.getNodeType()).as("id in %s", body).isEqualTo(sent.getNodeType());
      if (sent.isNumber()) {
        assertThat(echoed.decimalValue())
            .as("id in %s", body)
            .isEqualByComparingTo(sent.decimalValue());
      } else {
        assertThat(echoed.asText()).isEqualTo(sent.asText());
      }
    }
  }

  // ---- Limits ------------------------------------------------------------------------------

  @Test
  void aBatchOverTheLimitGetsOneInvalidRequestNamingTheLimit() {
    String call = "{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": 1}";
    JsonNode response =
        parseOk(
            limited
                .client()
                .post("[" + String.join(",", Collections.nCopies(BATCH_LIMIT + 1, call)) + "]"));
    assertThat(response.isObject()).as("one error, not an array: %s", response).isTrue();
    checkSpec("", response);
    assertThat(response.at("/error/code").asInt()).isEqualTo(-32600);
    assertThat(response.at("/error/data/limit").asInt()).isEqualTo(BATCH_LIMIT);
    assertThat(response.get("id").isNull()).isTrue();
  }

  @Test
  void aBatchAtTheLimitIsServed() {
    List<String> calls = new ArrayList<>();
    for (int i = 1; i <= BATCH_LIMIT; i++) {
      calls.add("{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": " + i + "}");
    }
    JsonNode response = parseOk(limited.client().post("[" + String.join(",", calls) + "]"));
    assertThat(response).hasSize(BATCH_LIMIT);
    response.forEach(r -> checkSpec("rooms", r));
    assertThat(response.findValues("id").stream().map(JsonNode::asInt))
        .containsExactlyInAnyOrder(1, 2, 3);
  }

  @Test
  void aBatchOfNotificationsOverTheLimitIsStillRefused() {
    // The limit guards the work, and notifications are work too: they get the error answer.
    String note = "{\"jsonrpc\": \"2.0\", \"method\": \"rooms\"}";
    JsonNode response =
        parseOk(
            limited
                .client()
                .post("[" + String.join(",", Collections.nCopies(BATCH_LIMIT + 1, note)) + "]"));
    assertThat(response.at("/error/code").asInt()).isEqualTo(-32600);
    assertThat(response.at("/error/data/limit").asInt()).isEqualTo(BATCH_LIMIT);
  }

  @Test
  void aBodyOverTheLimitIs413WithAJsonRpcError() {
    HttpResponse<String> http = limited.client().post(padded(BODY_LIMIT + 1));
    assertThat(http.statusCode()).isEqualTo(413);
    assertJsonContentType(http);
    JsonNode response = RpcClient.parse(http.body());
    checkSpec("", response);
    assertThat(response.at("/error/code").asInt()).isEqualTo(-32600);
    assertThat(response.at("/error/data/limit").asInt()).isEqualTo(BODY_LIMIT);
    assertThat(response.get("id").isNull()).isTrue();
  }

  @Test
  void aBodyOfExactlyTheLimitIsServed() {
    HttpResponse<String> http = limited.client().post(padded(BODY_LIMIT));
    assertThat(http.statusCode()).isEqualTo(200);
    checkSpec("rooms", RpcClient.parse(http.body()));
  }

  @Test
  void aChunkedBodyOverTheLimitIs413Too() {
    // Without Content-Length the server only learns the size by reading: it must stop at the limit.
    byte[] body = padded(BODY_LIMIT * 50).getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> http =
        send(
            HttpRequest.newBuilder(limited.uri().resolve("/rpc"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(body))));
    assertThat(http.statusCode()).isEqualTo(413);
    assertThat(RpcClient.parse(http.body()).at("/error/data/limit").asInt()).isEqualTo(BODY_LIMIT);
  }

  @Test
  void chunkedBodiesUpToTheLimitAreReadWhole() {
    // Without Content-Length the body is read in growing steps: every size up to the limit arrives
    // whole.
    for (Daemon target : List.of(limited, server)) {
      int limit = target == limited ? BODY_LIMIT : ServerLimits.defaults().bodyBytes();
      for (int size : new int[] {60, 1023, 1024, 1025, 5000, limit}) {
        if (size > limit) {
          continue;
        }
        String call =
            "{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": \""
                + "x".repeat(size - 47)
                + "\"}";
        byte[] body = call.getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> http =
            send(
                HttpRequest.newBuilder(target.uri().resolve("/rpc"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofInputStream(
                            () -> new ByteArrayInputStream(body))));
        assertThat(http.statusCode()).as("a chunked body of %s bytes", size).isEqualTo(200);
        assertThat(RpcClient.parse(http.body()).get("id").asText())
            .as("its id, read whole")
            .hasSize(size - 47);
      }
    }
  }

  @Test
  void aHugeBodyIsRefusedWithoutBeingRead() {
    // Far over the limit: the answer must still be the 413, not a reset connection.
    HttpResponse<String> http = limited.client().post(padded(4 * 1024 * 1024));
    assertThat(http.statusCode()).isEqualTo(413);
    assertJsonContentType(http);
  }

  // ---- Hostile input -----------------------------------------------------------------------

  static Stream<Arguments> nastyBodies() {
    String deepArray = "[".repeat(100_000) + "]".repeat(100_000);
    String deepObject = "{\"a\":".repeat(20_000) + "1" + "}".repeat(20_000);
    String deepParams =
        "{\"jsonrpc\": \"2.0\", \"method\": \"login\", \"params\": {\"username\": "
            + "[".repeat(400)
            + "]".repeat(400)
            + "}, \"id\": 1}";
    return Stream.of(
        bytes("empty body", ""),
        bytes("whitespace only", " \r\n\t "),
        bytes("null", "null"),
        bytes("a string", "\"x\""),
        bytes("a number", "42"),
        bytes("true", "true"),
        bytes("an empty object", "{}"),
        bytes("an array of an empty array", "[[]]"),
        bytes("an array of an empty object", "[{}]"),
        bytes("an array of null", "[null]"),
        bytes(
            "a batch inside a batch",
            "[[{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": 1}]]"),
        bytes(
            "a number of 1000 digits",
            "{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": " + "9".repeat(1000) + "}"),
        bytes(
            "a number of 5000 digits",
            "{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": " + "9".repeat(5000) + "}"),
        bytes(
            "a huge exponent",
            "{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": 1e999999999}"),
        bytes(
            "a huge exponent in params",
            "{\"jsonrpc\": \"2.0\", \"method\": \"check\", \"params\": {\"timeout_ms\": 1e999999999}, \"id\": 1}"),
        bytes(
            "a tiny exponent in params",
            "{\"jsonrpc\": \"2.0\", \"method\": \"history\", \"params\": {\"limit\": 1e-999999999}, \"id\": 1}"),
        bytes(
            "a huge integer in params",
            "{\"jsonrpc\": \"2.0\", \"method\": \"check\", \"params\": {\"timeout_ms\": "
                + "9".repeat(900)
                + "}, \"id\": 1}"),
        bytes("NaN", "{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": NaN}"),
        bytes("Infinity", "{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": -Infinity}"),
        bytes("deeply nested arrays", deepArray),
        bytes("deeply nested objects", deepObject),
        bytes("unclosed nesting", "[".repeat(100_000)),
        bytes("deep but legal params", deepParams),
        bytes("single quotes", "{'jsonrpc': '2.0', 'method': 'rooms', 'id': 1}"),
        bytes("comments", "/* hi */ {\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": 1}"),
        bytes("a trailing comma", "{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": 1,}"),
        bytes(
            "a raw control character",
            "{\"jsonrpc\": \"2.0\", \"method\": \"ro\u0001oms\", \"id\": 1}"),
        bytes("an escaped NUL", "{\"jsonrpc\": \"2.0\", \"method\": \"rooms\\u0000\", \"id\": 1}"),
        bytes(
            "a lone surrogate escape",
            "{\"jsonrpc\": \"2.0\", \"method\": \"\\ud800\", \"id\": \"\\udfff\"}"),
        bytes("a bad escape", "{\"jsonrpc\": \"2.0\", \"method\": \"\\x41\", \"id\": 1}"),
        bytes(
            "a byte order mark", "\uFEFF{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": 1}"),
        bytes(
            "XML",
            "<?xml version=\"1.0\"?><methodCall><methodName>rooms</methodName></methodCall>"),
        bytes("form data", "jsonrpc=2.0&method=rooms&id=1"),
        bytes(
            "a long method name",
            "{\"jsonrpc\": \"2.0\", \"method\": \"" + "m".repeat(200_000) + "\", \"id\": 1}"),
        bytes(
            "a proto key",
            "{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"params\": {\"__proto__\": {\"x\": 1}}, \"id\": 1}"),
        Arguments.of("invalid UTF-8 start byte", new byte[] {(byte) 0xff, (byte) 0xfe, '{', '}'}),
        Arguments.of(
            "invalid UTF-8 in a string",
            concat(
                "{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": \"",
                new byte[] {(byte) 0xc3, (byte) 0x28},
                "\"}")),
        Arguments.of(
            "a truncated UTF-8 sequence",
            concat(
                "{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": \"",
                new byte[] {(byte) 0xe2, (byte) 0x82},
                "")),
        Arguments.of(
            "an encoded surrogate",
            concat(
                "{\"jsonrpc\": \"2.0\", \"method\": \"login\", \"params\": {\"username\": \"",
                new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                "\"}, \"id\": 1}")),
        Arguments.of("NUL bytes", new byte[64]),
        Arguments.of(
            "Latin-1 text",
            "{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": \"caf\u00e9\"}"
                .getBytes(StandardCharsets.ISO_8859_1)),
        Arguments.of(
            "UTF-16",
            "{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": 1}"
                .getBytes(StandardCharsets.UTF_16)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nastyBodies")
  void hostileBodiesGetAJsonRpcAnswerNeverA500(String name, byte[] body) {
    HttpResponse<String> http =
        send(
            HttpRequest.newBuilder(server.uri().resolve("/rpc"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    assertThat(http.statusCode()).as("status for %s: %s", name, http.body()).isIn(200, 204);
    if (http.statusCode() == 204) {
      assertThat(http.body()).isEmpty();
      return;
    }
    assertJsonContentType(http);
    JsonNode response = RpcClient.parse(http.body());
    List<JsonNode> objects = new ArrayList<>();
    if (response.isArray()) {
      response.forEach(objects::add);
    } else {
      objects.add(response);
    }
    assertThat(objects).isNotEmpty();
    for (JsonNode r : objects) {
      assertThat(r.path("jsonrpc").asText()).isEqualTo("2.0");
      assertThat(r.has("id")).as("id member in %s", r).isTrue();
      assertThat(r.has("result") ^ r.has("error"))
          .as("exactly one of result and error in %s", r)
          .isTrue();
      if (r.has("error")) {
        // Only the standard codes or the session ones: an internal error would be a bug here.
        assertThat(r.at("/error/code").asInt())
            .as("%s", r)
            .isIn(-32700, -32600, -32601, -32602, 40010);
        assertNoStackTrace(r.toString());
      }
    }
  }

  @Test
  void errorAnswersNeverCarryAStackTrace() {
    // A sample of every kind of failure the endpoint produces, each checked for Java frames.
    List<String> bodies =
        List.of(
            "{",
            "[]",
            "[1]",
            "{\"jsonrpc\": \"2.0\", \"method\": \"nope\", \"id\": 1}",
            "{\"jsonrpc\": \"2.0\", \"method\": \"login\", \"params\": {\"username\": 5}, \"id\": 1}",
            "{\"jsonrpc\": \"2.0\", \"method\": \"check\", \"params\": {\"timeout_ms\": 99999999999999999999}, \"id\": 1}",
            "{\"jsonrpc\": \"2.0\", \"method\": \"append\", \"params\": {\"text\": \"x\"}, \"id\": 1}",
            "{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": NaN}",
            "[" + "[".repeat(5000) + "]".repeat(5000) + "]");
    for (String body : bodies) {
      HttpResponse<String> http = rpc.post(body);
      assertThat(http.statusCode()).as("status for %s", body).isEqualTo(200);
      assertThat(http.body()).contains("\"error\"");
      assertNoStackTrace(http.body());
    }
    // A session token that is not one: the error names the reason, not the failure inside.
    HttpResponse<String> http =
        rpc.withSession("not-a-token")
            .post("{\"jsonrpc\": \"2.0\", \"method\": \"preview\", \"id\": 1}");
    checkSpec("preview", RpcClient.parse(http.body()));
    assertNoStackTrace(http.body());
  }

  // ---- The other HTTP routes ---------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"GET", "PUT", "DELETE", "PATCH"})
  void rpcAnswersOtherVerbsWith405Json(String verb) {
    HttpResponse<String> http =
        send(
            HttpRequest.newBuilder(server.uri().resolve("/rpc"))
                .method(verb, HttpRequest.BodyPublishers.noBody()));
    assertThat(http.statusCode()).isEqualTo(405);
    assertJsonContentType(http);
    assertThat(http.headers().firstValue("Allow")).hasValue("POST");
    assertThat(RpcClient.parse(http.body()).path("error").isTextual()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/nope", "/rpc/extra", "/RPC", "/openrpc.json/x", "/rpc2", "/health/"})
  void unknownPathsAre404Json(String path) {
    for (HttpRequest.Builder request :
        List.of(
            HttpRequest.newBuilder(server.uri().resolve(path)).GET(),
            HttpRequest.newBuilder(server.uri().resolve(path))
                .POST(HttpRequest.BodyPublishers.ofString("{}")))) {
      HttpResponse<String> http = send(request);
      assertThat(http.statusCode()).as("%s", path).isEqualTo(404);
      assertJsonContentType(http);
      assertThat(RpcClient.parse(http.body()).path("status").asInt()).isEqualTo(404);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"/..%2f..%2fetc%2fpasswd", "/rpc%2f..", "/%2e%2e/rpc"})
  void pathsRefusedBeforeRoutingAreAnsweredInJsonToo(String path) {
    // Jetty refuses ambiguous encodings itself (400); its error page must still be JSON.
    HttpResponse<String> http =
        send(
            HttpRequest.newBuilder(server.uri().resolve(path))
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertThat(http.statusCode()).as("%s", path).isBetween(400, 499);
    assertJsonContentType(http);
    assertThat(RpcClient.parse(http.body()).path("status").asInt()).isEqualTo(http.statusCode());
  }

  @Test
  void openrpcJsonServesTheRepositorySpecWithTheUrlReachedAndRpcDiscoverAgrees()
      throws IOException {
    // Surefire runs in the server module: the spec sits beside it.
    JsonNode file = RpcClient.JSON.readTree(Files.readAllBytes(Path.of("../spec/openrpc.json")));
    for (String host : List.of("127.0.0.1", "localhost")) {
      URI reached = URI.create("http://" + host + ":" + server.uri().getPort());
      HttpResponse<byte[]> http =
          sendBytes(HttpRequest.newBuilder(reached.resolve("/openrpc.json")).GET());
      assertThat(http.statusCode()).isEqualTo(200);
      assertThat(http.headers().firstValue("Content-Type"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
      // Everything as written, but servers: the one URL this client reached, not the default.
      ObjectNode expected = file.deepCopy();
      expected
          .putArray("servers")
          .addObject()
          .put("name", "this server")
          .put("url", reached.resolve("/rpc").toString());
      assertThat(RpcClient.JSON.readTree(http.body())).isEqualTo(expected);

      JsonNode discovered = RpcClient.at(reached).call("rpc.discover");
      assertThat(discovered).isEqualTo(expected);
    }
    assertThat(file.path("servers").path(0).path("url").asText())
        .isEqualTo("http://127.0.0.1:8890/rpc");
  }

  @Test
  void healthIsJsonSayingOk() {
    HttpResponse<String> http = send(HttpRequest.newBuilder(server.uri().resolve("/health")).GET());
    assertThat(http.statusCode()).isEqualTo(200);
    assertJsonContentType(http);
    assertThat(RpcClient.parse(http.body()).path("status").asText()).isEqualTo("ok");
  }

  // ---- Helpers -----------------------------------------------------------------------------

  /** A way to send a JSON-RPC body to the daemon. */
  enum Door {
    /** {@code POST /rpc}: an answer is a 200 with a JSON body, none is a 204. */
    HTTP {
      @Override
      Optional<String> exchange(URI base, String session, String body) {
        HttpResponse<String> http = RpcClient.at(base).withSession(session).post(body);
        if (http.statusCode() == 204) {
          assertThat(http.body()).isEmpty();
          return Optional.empty();
        }
        assertThat(http.statusCode()).as("HTTP status, body %s", http.body()).isEqualTo(200);
        assertJsonContentType(http);
        return Optional.of(http.body());
      }
    },
    /** {@code /rpc/ws}: the body is a text frame, bound to the session by the upgrade. */
    WEBSOCKET {
      @Override
      Optional<String> exchange(URI base, String session, String body) {
        try (SocketClient socket =
            session == null ? SocketClient.open(base) : SocketClient.open(base, session)) {
          return socket.exchange(body);
        }
      }
    };

    /** Sends {@code body} (as {@code session}, or none) and returns the answer, if any. */
    abstract Optional<String> exchange(URI base, String session, String body);

    /** The answer to {@code body}, which must have one. */
    JsonNode answer(URI base, String session, String body) {
      return RpcClient.parse(
          exchange(base, session, body)
              .orElseThrow(() -> new AssertionError("no answer to " + body)));
    }
  }

  /** Sends {@code body} over {@code door}, expects one response object, checks it. */
  private static JsonNode answer(Door door, String body, String method) {
    JsonNode response = door.answer(server.uri(), null, body);
    checkSpec(method, response);
    return response;
  }

  private static void assertNoAnswer(Optional<String> answer) {
    assertThat(answer).as("the answer to notifications only").isEmpty();
  }

  /** Posts {@code body}, expects 200 and one response object, checks it against the spec. */
  private static JsonNode answer(String body, String method) {
    JsonNode response = parseOk(rpc.post(body));
    checkSpec(method, response);
    return response;
  }

  /** A call as JSON text; {@code params} null leaves them out. */
  private static String call(String method, String params, String id) {
    return "{\"jsonrpc\": \"2.0\", \"method\": "
        + RpcClient.JSON.valueToTree(method)
        + (params == null ? "" : ", \"params\": " + params)
        + ", \"id\": \""
        + id
        + "\"}";
  }

  private static JsonNode parseOk(HttpResponse<String> http) {
    assertThat(http.statusCode()).as("HTTP status, body %s", http.body()).isEqualTo(200);
    assertJsonContentType(http);
    return RpcClient.parse(http.body());
  }

  private static void checkSpec(String method, JsonNode response) {
    RpcClient.checkAgainstSpec(method, response);
  }

  private static void assertInvalidRequestWithNullId(JsonNode response) {
    checkSpec("", response);
    assertThat(response.at("/error/code").asInt()).isEqualTo(-32600);
    assertThat(response.get("id").isNull()).isTrue();
  }

  private static void assertNoContent(HttpResponse<String> http) {
    assertThat(http.statusCode()).as("status, body %s", http.body()).isEqualTo(204);
    assertThat(http.body()).isEmpty();
  }

  private static void assertJsonContentType(HttpResponse<?> http) {
    assertThat(http.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
  }

  private static void assertNoStackTrace(String body) {
    assertThat(body).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain(".java:");
    assertThat(STACK_FRAME.matcher(body).find()).as("a stack frame in %s", body).isFalse();
  }

  /** A valid {@code rooms} call padded with spaces to exactly {@code size} bytes. */
  private static String padded(int size) {
    String call = "{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": 1}";
    return call + " ".repeat(size - call.length());
  }

  private static Arguments bytes(String name, String body) {
    return Arguments.of(name, body.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] concat(String head, byte[] middle, String tail) {
    byte[] h = head.getBytes(StandardCharsets.UTF_8);
    byte[] t = tail.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[h.length + middle.length + t.length];
    System.arraycopy(h, 0, out, 0, h.length);
    System.arraycopy(middle, 0, out, h.length, middle.length);
    System.arraycopy(t, 0, out, h.length + middle.length, t.length);
    return out;
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(
          request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<byte[]> sendBytes(HttpRequest.Builder request) {
    try {
      return HTTP.send(
          request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
