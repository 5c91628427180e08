package dev.parley.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Raw HTTP to a daemon's {@code /mcp}, below any MCP client: any method, headers and bytes, and the
 * answer as it came (status, content type, body, and the events of an event stream). Every exchange
 * is bounded in time.
 */
final class RawMcpHttp {
  static final String BOTH = "application/json, text/event-stream";
  static final String JSON_TYPE = "application/json";

  /** What a Java exception, a stack frame or a library's internals look like in an answer. */
  static final Pattern INTERNALS =
      Pattern.compile(
          "java\\.|jakarta\\.|\\bat [a-z][\\w$]*(\\.[\\w$]+)+\\(|Exception|\\.java:\\d+|stackTrace|com\\.fasterxml"
              + "|io\\.modelcontextprotocol|reactor\\.|org\\.eclipse");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI mcp;

  RawMcpHttp(URI daemon) {
    this.mcp = daemon.resolve("/mcp");
  }

  /** An answer. */
  record Answer(int status, String contentType, String body, Map<String, List<String>> headers) {
    /** The body as JSON (an application/json answer). */
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
      }
    }

    /** The events of an event stream: each a map of its fields (id, event, data). */
    List<Map<String, String>> events() {
      List<Map<String, String>> events = new ArrayList<>();
      for (String block : body.split("\n\n")) {
        if (block.isBlank()) {
          continue;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : block.split("\n")) {
          int colon = line.indexOf(':');
          if (colon > 0) {
            fields.merge(
                line.substring(0, colon),
                line.substring(colon + 1).stripLeading(),
                (a, b) -> a + "\n" + b);
          }
        }
        events.add(fields);
      }
      return events;
    }

    /** The JSON-RPC messages of the answer: its body, or the data of each event. */
    List<JsonNode> messages() {
      if (contentType != null && contentType.startsWith("text/event-stream")) {
        List<JsonNode> messages = new ArrayList<>();
        for (Map<String, String> event : events()) {
          try {
            messages.add(JSON.readTree(event.get("data")));
          } catch (IOException e) {
            throw new AssertionError("an event whose data is not JSON: " + event, e);
          }
        }
        return messages;
      }
      return List.of(json());
    }

    /** The one JSON-RPC message of the answer. */
    JsonNode message() {
      List<JsonNode> messages = messages();
      assertThat(messages).as("one message in %s", body).hasSize(1);
      return messages.get(0);
    }

    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream())
          .findFirst()
          .orElse(null);
    }
  }

  /** POSTs {@code body} with the usual headers plus {@code headers} (name, value, ...). */
  Answer post(String session, String body, String... headers) {
    List<String> all = new ArrayList<>(List.of("Accept", BOTH, "Content-Type", JSON_TYPE));
    if (session != null) {
      all.addAll(List.of("Mcp-Session-Id", session));
    }
    all.addAll(Arrays.asList(headers));
    return send("POST", body.getBytes(StandardCharsets.UTF_8), all.toArray(String[]::new));
  }

  /**
   * Any method, bytes and headers (name, value, ...): a later header of the same name replaces an
   * earlier one, a {@code null} value leaves it out.
   */
  Answer send(String method, byte[] body, String... headers) {
    Map<String, String> named = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < headers.length; i += 2) {
      named.put(headers[i], headers[i + 1]);
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(mcp)
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    named.forEach(
        (name, value) -> {
          if (value != null) {
            request.header(name, value);
          }
        });
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(null),
          response.body(),
          response.headers().map());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " /mcp failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts a session (initialize, then the initialized notification) and returns its id. */
  String initialize(String protocolVersion) {
    Answer answer = post(null, initializeRequest(1, protocolVersion, "raw-test"));
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    String session = answer.header("Mcp-Session-Id");
    assertThat(session).isNotNull();
    assertThat(
            post(session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                .status())
        .isEqualTo(202);
    return session;
  }

  /** An initialize request. */
  static String initializeRequest(int id, String protocolVersion, String clientName) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
        + quote(protocolVersion)
        + ",\"capabilities\":{},\"clientInfo\":{\"name\":"
        + quote(clientName)
        + ",\"version\":\"1\"}}}";
  }

  static String quote(String text) {
    try {
      return JSON.writeValueAsString(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Asserts that {@code answer} is a JSON-RPC error response with {@code code}, and no internals.
   */
  static JsonNode assertError(Answer answer, int status, int code) {
    assertThat(answer.status()).as("status of %s", answer.body()).isEqualTo(status);
    assertThat(answer.contentType()).as(answer.body()).startsWith(JSON_TYPE);
    JsonNode message = answer.json();
    assertThat(message.path("jsonrpc").asText()).isEqualTo("2.0");
    assertThat(message.has("id")).as(answer.body()).isTrue();
    assertThat(message.path("error").path("code").asInt()).as(answer.body()).isEqualTo(code);
    assertThat(message.path("error").path("message").isTextual()).as(answer.body()).isTrue();
    assertThat(INTERNALS.matcher(answer.body()).find())
        .as("internals in %s", answer.body())
        .isFalse();
    return message;
  }
}
