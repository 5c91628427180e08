package dev.parley.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.mcp.RawMcpHttp.Answer;
import dev.parley.server.testing.RunningServer;
import io.modelcontextprotocol.spec.ProtocolVersions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A thousand hostile payloads against a real daemon's {@code /mcp}, from a fixed seed: mangled
 * bytes, mangled JSON-RPC, wrong members and types, wrong headers, sessions and methods. Every
 * answer must be a JSON-RPC message (an error for a refusal) or a specified empty status (202 for a
 * notification, 204 for a session's end); none a 5xx, an empty 200, or text that shows the server's
 * internals.
 */
@Tag("stress")
class McpFuzzTest {
  private static final long SEED = 0x9A41E7L;
  private static final int PAYLOADS = 1000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The tools a fuzzed call may name: all but `check`, whose wait would only slow the test. */
  private static final List<String> TOOLS =
      List.of(
          "login",
          "logout",
          "append",
          "undo",
          "reset",
          "push",
          "preview",
          "talking_stick",
          "participants",
          "history",
          "note",
          "rooms",
          "shout");

  private static final List<String> METHODS =
      List.of(
          "initialize",
          "ping",
          "tools/list",
          "tools/call",
          "logging/setLevel",
          "resources/list",
          "prompts/get",
          "completion/complete",
          "sampling/createMessage",
          "",
          "rpc.discover",
          "notifications/initialized",
          "notifications/cancelled",
          "notifications/progress",
          "notifications/roots/list_changed");

  private record Payload(String method, byte[] body, String[] headers) {
    @Override
    public String toString() {
      String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
      String shown = text.length() > 300 ? text.substring(0, 300) + "…" : text;
      return method + " " + String.join(" ", headers) + " " + shown;
    }
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aThousandHostilePayloadsGetJsonRpcAnswers() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      RawMcpHttp http = new RawMcpHttp(server.uri());
      List<String> sessions = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        sessions.add(http.initialize(ProtocolVersions.MCP_2025_06_18));
      }
      String ended = http.initialize(ProtocolVersions.MCP_2025_03_26);
      assertThat(http.send("DELETE", null, "Mcp-Session-Id", ended).status()).isEqualTo(204);

      Random random = new Random(SEED);
      List<String> failures = new ArrayList<>();
      Map<Integer, Integer> statuses = new TreeMap<>();
      for (int i = 0; i < PAYLOADS; i++) {
        Payload payload = payload(random, sessions, ended);
        Answer answer = http.send(payload.method(), payload.body(), payload.headers());
        statuses.merge(answer.status(), 1, Integer::sum);
        String problem = problem(payload, answer);
        if (problem != null) {
          String body =
              answer.body().length() > 400 ? answer.body().substring(0, 400) + "…" : answer.body();
          failures.add(
              "#"
                  + i
                  + " "
                  + payload
                  + "\n  -> "
                  + answer.status()
                  + " "
                  + answer.contentType()
                  + " "
                  + body
                  + "\n  "
                  + problem);
        }
      }
      assertThat(failures).as("answers by status: %s", statuses).isEmpty();
      // The payloads reach past the checks of headers and JSON: some are served.
      assertThat(statuses).containsKeys(200, 202, 400, 404, 406);
    }
  }

  /** What is wrong with an answer, or {@code null}. */
  private static String problem(Payload payload, Answer answer) {
    int status = answer.status();
    if (status >= 500) {
      return "a server error";
    }
    if (RawMcpHttp.INTERNALS.matcher(answer.body()).find()) {
      return "the server's internals in the answer";
    }
    if (status == 202 && payload.method().equals("POST")
        || status == 204 && payload.method().equals("DELETE")) {
      return answer.body().isEmpty() ? null : "a body with " + status;
    }
    if (answer.body().isEmpty()) {
      return "an empty answer";
    }
    List<JsonNode> messages;
    try {
      messages = answer.messages();
    } catch (AssertionError | RuntimeException e) {
      return "not JSON-RPC: " + e.getMessage();
    }
    if (messages.isEmpty()) {
      return "no message";
    }
    for (JsonNode message : messages) {
      String wrong = notJsonRpc(message);
      if (wrong != null) {
        return wrong;
      }
    }
    if (status != 200 && !messages.get(0).has("error")) {
      return "a refusal that is not a JSON-RPC error";
    }
    if (answer.contentType().startsWith("text/event-stream")) {
      Set<String> ids = new HashSet<>();
      for (Map<String, String> event : answer.events()) {
        if (event.get("id") != null && !ids.add(event.get("id"))) {
          return "the event id " + event.get("id") + " twice in one stream";
        }
      }
    }
    return null;
  }

  private static String notJsonRpc(JsonNode message) {
    if (!message.isObject() || !"2.0".equals(message.path("jsonrpc").textValue())) {
      return "not a JSON-RPC 2.0 object: " + message;
    }
    if (message.has("method")) {
      return message.path("method").isTextual() ? null : "a method that is no string";
    }
    if (!message.has("id")) {
      return "a response without id";
    }
    boolean result = message.has("result");
    boolean error = message.has("error");
    if (result == error) {
      return "a response needs a result or an error";
    }
    if (error
        && !(message.path("error").path("code").isInt()
            && message.path("error").path("message").isTextual())) {
      return "an error without code and message";
    }
    return null;
  }

  private static Payload payload(Random random, List<String> sessions, String ended) {
    String session = pick(random, sessions);
    int kind = random.nextInt(100);
    byte[] body;
    if (kind < 45) {
      body = bytes(mutate(random, message(random)));
    } else if (kind < 65) {
      body = mangle(random, bytes(message(random)));
    } else if (kind < 75) {
      body = bytes(message(random));
    } else if (kind < 85) {
      body = garbage(random);
    } else {
      body = text(random, message(random));
    }
    List<String> headers =
        new ArrayList<>(
            List.of(
                "Accept",
                RawMcpHttp.BOTH,
                "Content-Type",
                RawMcpHttp.JSON_TYPE,
                "Mcp-Session-Id",
                session));
    String method = "POST";
    int header = random.nextInt(100);
    if (header < 6) {
      headers.addAll(
          List.of(
              "Accept",
              pick(
                  random,
                  List.of(
                      "application/json",
                      "text/event-stream",
                      "text/html",
                      "*/*",
                      "application/*, text/*",
                      "application/json;q=0, text/event-stream",
                      "",
                      "garbage/"))));
    } else if (header < 10) {
      headers.addAll(
          List.of(
              "Content-Type",
              pick(
                  random,
                  List.of(
                      "text/plain",
                      "application/json; charset=utf-16",
                      "application/x-www-form-urlencoded",
                      "application/jsonx",
                      "multipart/form-data; boundary=x",
                      ""))));
    } else if (header < 18) {
      headers.addAll(
          List.of(
              "Mcp-Session-Id",
              pick(
                  random,
                  List.of(
                      ended,
                      "nope",
                      "x".repeat(300),
                      session.toUpperCase(),
                      session + " ",
                      "../../etc/passwd"))));
    } else if (header < 22) {
      headers.addAll(Arrays.asList("Mcp-Session-Id", null));
    } else if (header < 30) {
      headers.addAll(
          List.of(
              "MCP-Protocol-Version",
              pick(
                  random,
                  List.of(
                      "2025-06-18",
                      "2025-11-25",
                      "2024-11-05",
                      "2025-13-45",
                      "latest",
                      "",
                      "2025-06-18, 2025-03-26"))));
    } else if (header < 38) {
      method = pick(random, List.of("GET", "DELETE", "PUT", "PATCH", "OPTIONS"));
      if (method.equals("GET") || method.equals("DELETE")) {
        // Never a live session: a live GET stream stays open, a DELETE would end the session.
        headers.addAll(
            Arrays.asList(
                "Mcp-Session-Id",
                pick(random, Arrays.asList(ended, "nope", null)),
                "Accept",
                pick(random, List.of("text/event-stream", "application/json", "*/*"))));
      }
      if (random.nextBoolean()) {
        body = null;
      }
    }
    return new Payload(method, body, headers.toArray(String[]::new));
  }

  /** A valid message of one kind or another. */
  private static ObjectNode message(Random random) {
    ObjectNode message = NODES.objectNode().put("jsonrpc", "2.0");
    int kind = random.nextInt(10);
    if (kind == 0) {
      // A response, as if to a request of the server.
      message.put("id", "server-" + random.nextInt(5));
      message.putObject("result");
      return message;
    }
    String method = kind < 5 ? "tools/call" : pick(random, METHODS);
    if (!method.startsWith("notifications/")) {
      if (random.nextBoolean()) {
        message.put("id", random.nextInt(1000));
      } else {
        message.put("id", "req-" + random.nextInt(1000));
      }
    }
    message.put("method", method);
    ObjectNode params = NODES.objectNode();
    switch (method) {
      case "initialize" -> {
        params.put(
            "protocolVersion", pick(random, List.of("2025-06-18", "2024-11-05", "2099-01-01")));
        params.putObject("capabilities").putObject("roots").put("listChanged", true);
        params.putObject("clientInfo").put("name", "fuzz\n" + random.nextInt()).put("version", "1");
      }
      case "tools/call" -> {
        String tool = pick(random, TOOLS);
        params.put("name", tool);
        ObjectNode arguments = params.putObject("arguments");
        switch (tool) {
          case "login" ->
              arguments.put("username", "fuzz" + random.nextInt(100)).put("room", "fuzz");
          case "append", "note" -> arguments.put("text", "hello " + random.nextInt());
          case "history" -> arguments.put("limit", random.nextInt(5));
          default -> {}
        }
        if (random.nextInt(4) == 0) {
          params.putObject("_meta").put("progressToken", "p" + random.nextInt(100));
        }
      }
      case "logging/setLevel" ->
          params.put("level", pick(random, List.of("debug", "error", "emergency")));
      case "tools/list" -> {
        if (random.nextBoolean()) {
          params.put("cursor", "c" + random.nextInt(10));
        }
      }
      case "notifications/cancelled" ->
          params.put("requestId", random.nextInt(10)).put("reason", "x");
      case "notifications/progress" -> params.put("progressToken", "p").put("progress", 1);
      default -> {}
    }
    if (params.size() > 0 || random.nextBoolean()) {
      message.set("params", params);
    }
    return message;
  }

  /** The message with one to three members replaced, removed, added or wrapped. */
  private static JsonNode mutate(Random random, ObjectNode message) {
    JsonNode root = message;
    for (int n = 1 + random.nextInt(3); n > 0; n--) {
      List<ObjectNode> objects = new ArrayList<>();
      collect(root, objects);
      if (objects.isEmpty()) {
        break;
      }
      ObjectNode target = pick(random, objects);
      List<String> names = new ArrayList<>();
      target.fieldNames().forEachRemaining(names::add);
      int operation = random.nextInt(6);
      if (operation == 0 && !names.isEmpty()) {
        target.remove(pick(random, names));
      } else if (operation == 1) {
        target.set(
            pick(
                random,
                List.of(
                    "extra",
                    "id",
                    "jsonrpc",
                    "method",
                    "params",
                    "result",
                    "error",
                    "_meta",
                    "arguments",
                    "name",
                    "progressToken")),
            hostile(random));
      } else if (operation == 2 && random.nextInt(8) == 0) {
        ArrayNode batch = NODES.arrayNode().add(root);
        if (random.nextBoolean()) {
          batch.add(message(random));
        }
        root = batch;
      } else if (!names.isEmpty()) {
        target.set(pick(random, names), hostile(random));
      }
    }
    return root;
  }

  private static void collect(JsonNode node, List<ObjectNode> objects) {
    if (node instanceof ObjectNode object) {
      objects.add(object);
    }
    for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
      collect(it.next(), objects);
    }
  }

  /** A value of a type or content nobody expects. */
  private static JsonNode hostile(Random random) {
    return switch (random.nextInt(18)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(random.nextBoolean());
      case 2 -> NODES.numberNode(random.nextInt() - 5);
      case 3 -> NODES.numberNode(1e308 * 10);
      case 4 -> NODES.numberNode(new BigInteger("123456789012345678901234567890"));
      case 5 -> NODES.numberNode(1.5);
      case 6 -> NODES.textNode("");
      case 7 -> NODES.textNode("x".repeat(20_000));
      case 8 -> NODES.textNode("line\nFORGED\r\n\u2028\u0000\u001b[31m");
      case 9 -> NODES.textNode("\ud800 lone \udfff");
      case 10 -> NODES.textNode("<script>alert(1)</script>");
      case 11 -> NODES.objectNode();
      case 12 -> NODES.arrayNode();
      case 13 -> nested(random.nextInt(60));
      case 14 -> NODES.textNode(pick(random, TOOLS));
      case 15 -> NODES.textNode(pick(random, METHODS));
      case 16 -> NODES.arrayNode().add(1).add("two").addNull();
      default -> NODES.objectNode().put("a", "b").set("c", NODES.objectNode().put("d", 1));
    };
  }

  private static JsonNode nested(int depth) {
    JsonNode node = NODES.textNode("deep");
    for (int i = 0; i < depth; i++) {
      node = i % 2 == 0 ? NODES.arrayNode().add(node) : NODES.objectNode().set("k", node);
    }
    return node;
  }

  /** The bytes of a message, cut, spliced or flipped. */
  private static byte[] mangle(Random random, byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int operation = random.nextInt(5);
    int at = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
    switch (operation) {
      case 0 -> out.write(bytes, 0, at);
      case 1 -> {
        out.write(bytes, 0, at);
        for (int i = random.nextInt(8); i >= 0; i--) {
          out.write(
              pick(
                  random,
                  List.of(
                      0x00, 0x0a, 0x0d, 0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x2c, 0x3a, 0xff, 0xc0, 0xed,
                      0x80)));
        }
        out.write(bytes, at, bytes.length - at);
      }
      case 2 -> {
        byte[] copy = bytes.clone();
        for (int i = random.nextInt(4); i >= 0 && copy.length > 0; i--) {
          copy[random.nextInt(copy.length)] ^= (byte) (1 << random.nextInt(8));
        }
        out.writeBytes(copy);
      }
      case 3 -> {
        out.writeBytes(bytes);
        out.writeBytes(bytes);
      }
      default -> {
        // A member twice.
        String text = new String(bytes, StandardCharsets.UTF_8);
        out.writeBytes(
            text.replaceFirst("\\{", "{\"jsonrpc\":\"2.0\",").getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toByteArray();
  }

  /** Bytes that are hardly JSON at all. */
  private static byte[] garbage(Random random) {
    return switch (random.nextInt(8)) {
      case 0 -> new byte[0];
      case 1 -> "null".getBytes(StandardCharsets.UTF_8);
      case 2 ->
          pick(random, List.of("true", "0", "\"x\"", "[]", "[[]]", "{}", "[null]"))
              .getBytes(StandardCharsets.UTF_8);
      case 3 -> ("[".repeat(3000) + "]".repeat(3000)).getBytes(StandardCharsets.UTF_8);
      case 4 -> ("{\"a\":".repeat(2000) + "1" + "}".repeat(2000)).getBytes(StandardCharsets.UTF_8);
      case 5 ->
          "\uFEFF{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"
              .getBytes(StandardCharsets.UTF_8);
      case 6 -> "<?xml version=\"1.0\"?><methodCall/>".getBytes(StandardCharsets.UTF_8);
      default -> {
        byte[] bytes = new byte[1 + random.nextInt(200)];
        random.nextBytes(bytes);
        yield bytes;
      }
    };
  }

  /** A message written with odd but valid JSON: spaces, escapes, a trailing newline. */
  private static byte[] text(Random random, JsonNode message) {
    String text = new String(bytes(message), StandardCharsets.UTF_8);
    return switch (random.nextInt(3)) {
      case 0 -> ("\n\t " + text.replace(",", " ,\r\n ") + "\n").getBytes(StandardCharsets.UTF_8);
      case 1 -> text.replace("\"2.0\"", "\"\\u0032.0\"").getBytes(StandardCharsets.UTF_8);
      default -> (text + text).getBytes(StandardCharsets.UTF_8);
    };
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> T pick(Random random, List<T> items) {
    return items.get(random.nextInt(items.size()));
  }
}
