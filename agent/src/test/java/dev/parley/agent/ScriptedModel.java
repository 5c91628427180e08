package dev.parley.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A small local server that speaks the chat-completions protocol with scripted replies, one script
 * per model name: each request gets the next step's answer, computed from the request (so a step
 * can wait for the room, or check what the model was told). When a script runs out the server
 * answers HTTP 400, which ends the persona's run.
 */
final class ScriptedModel implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer http;
  private final Map<String, ConcurrentLinkedQueue<Function<JsonNode, Reply>>> scripts =
      new ConcurrentHashMap<>();

  /** Every request received, per model. */
  final Map<String, List<JsonNode>> requests = new ConcurrentHashMap<>();

  /** What a step found wrong in a request; the test asserts this is empty. */
  final List<String> complaints = new CopyOnWriteArrayList<>();

  ScriptedModel() throws IOException {
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/v1/chat/completions", this::answer);
    http.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    http.start();
  }

  URI baseUrl() {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/v1");
  }

  /** Adds steps to the script of {@code model}. */
  @SafeVarargs
  final ScriptedModel script(String model, Function<JsonNode, Reply>... steps) {
    scripts.computeIfAbsent(model, m -> new ConcurrentLinkedQueue<>()).addAll(List.of(steps));
    return this;
  }

  /** A reply: an HTTP status, and the assistant message when it is 200. */
  record Reply(int status, ObjectNode message) {}

  /** A 200 with the model calling these tools, each given as name then JSON arguments. */
  static Reply calls(String content, String... namesAndArguments) {
    ObjectNode message = JSON.createObjectNode().put("role", "assistant");
    message.put("content", content);
    ArrayNode calls = message.putArray("tool_calls");
    for (int i = 0; i < namesAndArguments.length; i += 2) {
      ObjectNode call = calls.addObject();
      call.put("id", "call_" + System.nanoTime() + "_" + i);
      call.put("type", "function");
      call.putObject("function")
          .put("name", namesAndArguments[i])
          .put("arguments", namesAndArguments[i + 1]);
    }
    return new Reply(200, message);
  }

  /** An error status, such as 503. */
  static Reply status(int status) {
    return new Reply(status, null);
  }

  /** The text of the last message of a request (tool result or user message). */
  static String lastMessage(JsonNode request) {
    JsonNode messages = request.get("messages");
    return messages.get(messages.size() - 1).path("content").asText();
  }

  /** Every message text of a request, joined. */
  static String allText(JsonNode request) {
    List<String> texts = new ArrayList<>();
    request.get("messages").forEach(m -> texts.add(m.path("content").asText()));
    return String.join("\n", texts);
  }

  private void answer(HttpExchange exchange) throws IOException {
    JsonNode request = JSON.readTree(exchange.getRequestBody());
    String model = request.path("model").asText();
    requests.computeIfAbsent(model, m -> new CopyOnWriteArrayList<>()).add(request);
    if (!request.path("tools").isArray()
        || request.get("tools").size() != ProtocolTools.ACTIONS.size()) {
      complaints.add(model + ": the request did not offer the protocol's tools");
    }
    Function<JsonNode, Reply> step =
        scripts.getOrDefault(model, new ConcurrentLinkedQueue<>()).poll();
    Reply reply = step == null ? status(400) : step.apply(request);
    byte[] body;
    if (reply.status() == 200) {
      ObjectNode response =
          JSON.createObjectNode().put("id", "cmpl").put("object", "chat.completion");
      ObjectNode choice = response.putArray("choices").addObject();
      choice.put("index", 0);
      choice.set("message", reply.message());
      choice.put("finish_reason", reply.message().has("tool_calls") ? "tool_calls" : "stop");
      body = JSON.writeValueAsBytes(response);
    } else {
      body =
          ("{\"error\":{\"message\":\""
                  + (step == null ? "script finished" : "scripted failure")
                  + "\"}}")
              .getBytes(StandardCharsets.UTF_8);
    }
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(reply.status(), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
