package dev.parley.mcp;

import static dev.parley.mcp.RawMcpHttp.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.mcp.RawMcpHttp.Answer;
import dev.parley.server.testing.Daemon;
import io.modelcontextprotocol.spec.ProtocolVersions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every answer of {@code /mcp} to a message it cannot take is a JSON-RPC error object with the
 * Streamable HTTP transport's status: never a serialized Java exception, never an empty 200.
 */
class McpHttpErrorsTest {
  private static final int PARSE_ERROR = -32700;
  private static final int INVALID_REQUEST = -32600;
  private static final int INVALID_PARAMS = -32602;
  private static final int SESSION_NOT_FOUND = -32001;
  private static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}";

  @RegisterExtension static final Daemon server = Daemon.withDefaults();
  private static RawMcpHttp http;
  private static String session;

  @BeforeAll
  static void start() throws Exception {
    http = new RawMcpHttp(server.uri());
    session = http.initialize(ProtocolVersions.MCP_2025_06_18);
  }

  static Stream<Arguments> refusedMessages() {
    return Stream.of(
        Arguments.of("bad JSON", "{\"jsonrpc\":\"2.0\",\"id\":", 400, PARSE_ERROR),
        Arguments.of("an empty body", "", 400, PARSE_ERROR),
        Arguments.of("JSON and more", PING + " {}", 400, PARSE_ERROR),
        Arguments.of("a null body", "null", 400, INVALID_REQUEST),
        Arguments.of("a batch", "[" + PING + "]", 400, INVALID_REQUEST),
        Arguments.of("an empty batch", "[]", 400, INVALID_REQUEST),
        Arguments.of("a number", "42", 400, INVALID_REQUEST),
        Arguments.of("no jsonrpc", "{\"id\":1,\"method\":\"ping\"}", 400, INVALID_REQUEST),
        Arguments.of(
            "an object id",
            "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}",
            400,
            INVALID_REQUEST),
        Arguments.of(
            "a null id",
            "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}",
            400,
            INVALID_REQUEST),
        Arguments.of(
            "a fractional id",
            "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}",
            400,
            INVALID_REQUEST),
        Arguments.of(
            "a numeric method",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}",
            400,
            INVALID_REQUEST),
        Arguments.of(
            "neither request nor response", "{\"jsonrpc\":\"2.0\",\"id\":5}", 400, INVALID_REQUEST),
        Arguments.of(
            "an unexpected response",
            "{\"jsonrpc\":\"2.0\",\"id\":8,\"result\":{}}",
            400,
            INVALID_REQUEST),
        Arguments.of(
            "a response without id", "{\"jsonrpc\":\"2.0\",\"result\":{}}", 400, INVALID_REQUEST),
        Arguments.of(
            "array params",
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\",\"params\":[]}",
            200,
            INVALID_PARAMS),
        Arguments.of(
            "tools/call with string arguments",
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"rooms\",\"arguments\":\"x\"}}",
            200,
            INVALID_PARAMS),
        Arguments.of(
            "tools/call with null params",
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\"," + "\"params\":null}",
            200,
            INVALID_PARAMS),
        Arguments.of(
            "tools/call without params",
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\"}",
            200,
            INVALID_PARAMS),
        Arguments.of(
            "tools/call with a numeric name",
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\"," + "\"params\":{\"name\":5}}",
            200,
            INVALID_PARAMS),
        Arguments.of(
            "logging/setLevel without a level",
            "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":" + "\"logging/setLevel\",\"params\":{}}",
            200,
            INVALID_PARAMS),
        Arguments.of(
            "logging/setLevel with an unknown level",
            "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":"
                + "\"logging/setLevel\",\"params\":{\"level\":\"loud\"}}",
            200,
            INVALID_PARAMS),
        Arguments.of(
            "logging/setLevel with null params",
            "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":" + "\"logging/setLevel\",\"params\":null}",
            200,
            INVALID_PARAMS),
        Arguments.of(
            "tools/list with a numeric cursor",
            "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\","
                + "\"params\":{\"cursor\":5}}",
            200,
            INVALID_PARAMS),
        Arguments.of(
            "a progress token that is an object",
            "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"rooms\",\"_meta\":{\"progressToken\":{}}}}",
            200,
            INVALID_PARAMS),
        Arguments.of(
            "initialize without clientInfo",
            "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"initialize\","
                + "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{}}}",
            200,
            INVALID_PARAMS),
        Arguments.of(
            "initialize with string roots",
            "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"initialize\","
                + "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"roots\":\"x\"},"
                + "\"clientInfo\":{\"name\":\"a\",\"version\":\"1\"}}}",
            200,
            INVALID_PARAMS));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedMessages")
  void aMessageThatCannotBeTakenIsAJsonRpcError(String what, String body, int status, int code) {
    assertError(http.post(session, body), status, code);
  }

  @Test
  void aWellFormedRequestWithBadParamsIsAnsweredWithItsId() {
    JsonNode answer =
        assertError(
            http.post(
                session,
                "{\"jsonrpc\":\"2.0\",\"id\":\"call-9\",\"method\":"
                    + "\"tools/call\",\"params\":{\"name\":\"rooms\",\"arguments\":\"x\"}}"),
            200,
            INVALID_PARAMS);
    assertThat(answer.path("id").asText()).isEqualTo("call-9");
    assertThat(answer.path("error").path("message").asText())
        .isEqualTo("Invalid params for `tools/call`: /arguments: string found, object expected");
  }

  @Test
  void aMissingUnknownOrEndedSessionIsAJsonRpcError() {
    assertError(http.post(null, PING), 400, INVALID_REQUEST);
    assertError(http.post("no-such-session", PING), 404, SESSION_NOT_FOUND);

    String ended = http.initialize(ProtocolVersions.MCP_2025_06_18);
    Answer deleted = http.send("DELETE", null, "Mcp-Session-Id", ended);
    // The session ended and there is nothing more to say.
    assertThat(deleted.status()).isEqualTo(204);
    assertThat(deleted.body()).isEmpty();
    JsonNode afterEnd = assertError(http.post(ended, PING), 404, SESSION_NOT_FOUND);
    assertThat(afterEnd.path("id").asInt()).isEqualTo(7);
    assertError(http.send("DELETE", null, "Mcp-Session-Id", ended), 404, SESSION_NOT_FOUND);
    assertError(http.send("DELETE", null), 400, INVALID_REQUEST);

    assertError(http.send("GET", null, "Accept", "text/event-stream"), 400, INVALID_REQUEST);
    assertError(
        http.send("GET", null, "Accept", "text/event-stream", "Mcp-Session-Id", "no-such-session"),
        404,
        SESSION_NOT_FOUND);
  }

  @Test
  void aBadAcceptOrContentTypeIsAJsonRpcError() {
    assertError(http.post(session, PING, "Accept", "application/json"), 406, INVALID_REQUEST);
    assertError(http.post(session, PING, "Accept", "text/event-stream"), 406, INVALID_REQUEST);
    assertError(http.post(session, PING, "Accept", null), 406, INVALID_REQUEST);
    assertError(
        http.post(session, PING, "Accept", "application/json, text/event-stream;q=0"),
        406,
        INVALID_REQUEST);
    assertError(
        http.send("GET", null, "Accept", "application/json", "Mcp-Session-Id", session),
        406,
        INVALID_REQUEST);
    assertError(http.post(session, PING, "Content-Type", "text/plain"), 415, INVALID_REQUEST);
    assertError(
        http.post(session, PING, "Content-Type", "application/json; charset=latin1"),
        415,
        INVALID_REQUEST);

    // Wildcards that cover both types are taken.
    assertThat(http.post(session, PING, "Accept", "*/*").message().path("result").isObject())
        .isTrue();
  }

  @Test
  void anInvalidProtocolVersionHeaderIs400() {
    JsonNode answer =
        assertError(
            http.post(session, PING, "MCP-Protocol-Version", "1999-01-01"), 400, INVALID_REQUEST);
    assertThat(answer.path("error").path("message").asText()).contains("1999-01-01", "2025-06-18");
    assertError(
        http.post(session, PING, "MCP-Protocol-Version", "2024-11-05"), 400, INVALID_REQUEST);
    assertError(
        http.send(
            "GET",
            null,
            "Accept",
            "text/event-stream",
            "Mcp-Session-Id",
            session,
            "MCP-Protocol-Version",
            "x"),
        400,
        INVALID_REQUEST);

    // The version is negotiated by initialize: a newer client's header on it is no error.
    Answer initialize =
        http.post(
            null,
            RawMcpHttp.initializeRequest(1, "2099-01-01", "newer"),
            "MCP-Protocol-Version",
            "2099-01-01");
    assertThat(initialize.status()).as(initialize.body()).isEqualTo(200);
    assertThat(initialize.json().path("result").path("protocolVersion").asText())
        .isEqualTo("2025-11-25");

    for (String version : McpProtocolVersionsTest.SPOKEN) {
      Answer ok = http.post(session, PING, "MCP-Protocol-Version", version);
      assertThat(ok.status()).as(version).isEqualTo(200);
      assertThat(ok.message().path("result").isObject()).as(version).isTrue();
    }
  }

  @Test
  void otherMethodsAndOversizedBodiesAreJsonRpcErrors() {
    Answer put =
        http.send("PUT", PING.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
    assertError(put, 405, INVALID_REQUEST);
    assertThat(put.header("Allow")).isEqualTo("GET, POST, DELETE");

    String huge =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\""
            + "x".repeat(1024 * 1024)
            + "\"}}";
    assertError(http.post(session, huge), 413, INVALID_REQUEST);
  }

  @Test
  void notificationsAndUnknownMethodsAreAnswered() {
    assertThat(
            http.post(
                    session,
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/whatever\",\"params\":{}}")
                .status())
        .isEqualTo(202);
    // The SDK would ask for the client's roots, and fail without an event stream to ask on.
    assertThat(
            http.post(
                    session,
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/roots/list_changed\"}")
                .status())
        .isEqualTo(202);
    assertError(
        http.post(
            session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\",\"params\":5}"),
        400,
        INVALID_PARAMS);
    JsonNode unknown =
        http.post(session, "{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"resources/list\"}")
            .message();
    assertThat(unknown.path("id").asInt()).isEqualTo(11);
    assertThat(unknown.path("error").path("code").asInt()).isEqualTo(-32601);
  }

  @Test
  void theEventsOfASessionHaveIdsOfTheirOwn() {
    List<String> ids = new ArrayList<>();
    for (String body :
        List.of(
            PING,
            "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/list\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"rooms\",\"arguments\":{}}}",
            PING)) {
      Answer answer = http.post(session, body);
      assertThat(answer.contentType()).startsWith("text/event-stream");
      for (Map<String, String> event : answer.events()) {
        assertThat(event).containsKey("id");
        ids.add(event.get("id"));
      }
    }
    assertThat(ids).hasSize(4).doesNotHaveDuplicates().doesNotContain(session);
  }
}
