package dev.parley.server.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.server.rpc.SpecSchemas;
import dev.parley.spec.SpecDocument;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs conformance vectors against a server's {@code POST /rpc}. A step says:
 *
 * <ul>
 *   <li>{@code as}: the participant making the call; its session (taken from its {@code login}'s
 *       answer) goes as {@code Authorization: Bearer}. Without it, or with {@code "bearer": "..."},
 *       the call carries no session or that one.
 *   <li>{@code call} and {@code params}: the method and its params, by name; or {@code raw}: a body
 *       sent exactly as written (for malformed requests).
 *   <li>{@code expect}: what the answer must contain, {@code {"result": ...}} or {@code {"error":
 *       ...}}, as {@link AnswerMatch} reads it.
 *   <li>{@code async}: a name; the call is started and the next steps go on while it is pending. A
 *       later step {@code {"await": name, "expect": ...}} waits for its answer.
 *   <li>{@code until_ms}: the call is made again (a short pause between) until its answer matches,
 *       for at most this long: to wait for a state another participant's call brings about (a
 *       {@code check} that is waiting), which the protocol announces to nobody.
 *   <li>{@code burst}: the call is made up to this many times back to back until an answer matches:
 *       to pass a rate limit.
 * </ul>
 *
 * Every answer must also conform to the spec: a result to the method's result schema, an error to a
 * code the method declares, with {@code data} matching its schema. Strings of params and
 * expectations may use {@code ${room}} (a room of this run's own) and variables bound earlier.
 */
public final class ConformanceRunner {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(90);
  private static final long RETRY_PAUSE_MS = 50;

  private final URI rpc;
  private final HttpClient http;
  private final SpecSchemas schemas = new SpecSchemas(SpecDocument.get().tree());

  /**
   * @param server the server's base URL, such as {@code http://127.0.0.1:8890}; its {@code /rpc} is
   *     called
   */
  public ConformanceRunner(URI server) {
    this.rpc = server.resolve("/rpc");
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** Runs one scenario; it stops at the first step that fails, since later ones build on it. */
  public ScenarioResult run(Scenario scenario) {
    Run run = new Run(scenario.name());
    int step = 0;
    for (JsonNode s : scenario.steps()) {
      step++;
      String failure;
      try {
        failure = run.step(s);
      } catch (IOException e) {
        failure = "the call failed: " + e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = "interrupted";
      }
      if (failure != null) {
        return new ScenarioResult(
            scenario.name(),
            scenario.steps().size(),
            step - 1,
            "step " + step + " " + label(s) + ": " + failure);
      }
    }
    if (!run.pending.isEmpty()) {
      return new ScenarioResult(
          scenario.name(), step, step, "never awaited: " + String.join(", ", run.pending.keySet()));
    }
    return new ScenarioResult(scenario.name(), step, step, null);
  }

  private static String label(JsonNode step) {
    String who = step.path("as").asText("(no session)");
    if (step.has("await")) {
      return "(" + who + ": answer of " + step.path("await").asText() + ")";
    }
    return "(" + who + ": " + (step.has("raw") ? "raw body" : step.path("call").asText()) + ")";
  }

  /** The state of one scenario's run: sessions, bound variables, pending calls. */
  private final class Run {
    final Map<String, String> sessions = new HashMap<>();
    final Map<String, JsonNode> bindings = new HashMap<>();
    final Map<String, CompletableFuture<Answer>> pending = new HashMap<>();
    int id;

    Run(String scenario) {
      // A room of its own, so that vectors run against any server, as often as wanted.
      String suffix = UUID.randomUUID().toString().substring(0, 8);
      String room = ("c-" + scenario.replaceAll("[^a-z0-9-]", "-"));
      room = room.substring(0, Math.min(room.length(), 50)) + "-" + suffix;
      bindings.put("room", JSON.getNodeFactory().textNode(room));
    }

    /** Runs a step; null when it passed, else what went wrong. */
    String step(JsonNode step) throws IOException, InterruptedException {
      if (step.has("await")) {
        CompletableFuture<Answer> call = pending.remove(step.path("await").asText());
        if (call == null) {
          return "nothing pending is named " + step.path("await").asText();
        }
        Answer answer;
        try {
          answer = call.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          return "the call failed: " + e.getCause().getMessage();
        } catch (TimeoutException e) {
          return "no answer within " + CALL_TIMEOUT.toSeconds() + " s";
        }
        return check(answer, step.path("expect"));
      }
      Request request = request(step);
      if (step.has("async")) {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    answer.complete(send(request));
                  } catch (IOException | InterruptedException | RuntimeException e) {
                    answer.completeExceptionally(e);
                  }
                });
        pending.put(step.path("async").asText(), answer);
        return null;
      }
      if (step.has("burst")) {
        String failure = null;
        for (int i = 0; i < step.path("burst").asInt(); i++) {
          Map<String, JsonNode> before = new HashMap<>(bindings);
          failure = check(send(request), step.path("expect"));
          if (failure == null) {
            return null;
          }
          bindings.clear();
          bindings.putAll(before);
        }
        return "none of " + step.path("burst").asInt() + " answers matched; the last: " + failure;
      }
      long deadline = System.nanoTime() + step.path("until_ms").asLong(0) * 1_000_000;
      while (true) {
        Map<String, JsonNode> before = new HashMap<>(bindings);
        String failure = check(send(request), step.path("expect"));
        if (failure == null || System.nanoTime() >= deadline) {
          return failure;
        }
        bindings.clear();
        bindings.putAll(before);
        Thread.sleep(RETRY_PAUSE_MS);
      }
    }

    Request request(JsonNode step) {
      String who = step.path("as").asText(null);
      String bearer =
          step.has("bearer")
              ? AnswerMatch.substitute(step.path("bearer").asText(), bindings)
              : who == null ? null : sessions.get(who);
      if (step.has("raw")) {
        return new Request(
            who, null, bearer, AnswerMatch.substitute(step.path("raw").asText(), bindings));
      }
      ObjectNode body = JSON.createObjectNode();
      body.put("jsonrpc", "2.0");
      body.put("id", ++id);
      body.put("method", step.path("call").asText());
      if (step.has("params")) {
        body.set("params", AnswerMatch.fill(step.path("params"), bindings));
      }
      return new Request(who, step.path("call").asText(), bearer, body.toString());
    }

    Answer send(Request request) throws IOException, InterruptedException {
      HttpRequest.Builder builder =
          HttpRequest.newBuilder(rpc)
              .timeout(CALL_TIMEOUT)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(request.body(), StandardCharsets.UTF_8));
      if (request.bearer() != null) {
        builder.header("Authorization", "Bearer " + request.bearer());
      }
      HttpResponse<String> response =
          http.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Answer(request, response.statusCode(), response.body());
    }

    String check(Answer answer, JsonNode expect) {
      JsonNode reply;
      try {
        reply = JSON.readTree(answer.body());
      } catch (IOException e) {
        return "HTTP " + answer.status() + ", not JSON: " + shorten(answer.body());
      }
      if (reply == null || !reply.isObject()) {
        return "HTTP "
            + answer.status()
            + ", not a JSON-RPC response object: "
            + shorten(answer.body());
      }
      List<String> wrong = new ArrayList<>();
      String method = answer.request().method();
      if (method != null && SpecDocument.get().method(method).isMissingNode()) {
        method = null; // a call of a method the spec lacks has no result schema nor declared errors
      }
      if (reply.has("result") && method != null) {
        schemas
            .validateResult(method, reply.get("result"))
            .forEach(
                v -> wrong.add("/result" + v.pointer() + ": " + v.detail() + " (result schema)"));
        if ("login".equals(method) && reply.path("result").path("session").isTextual()) {
          sessions.put(answer.request().who(), reply.path("result").path("session").asText());
        }
      } else if (reply.has("error")) {
        int code = reply.path("error").path("code").asInt();
        if (method != null && !declared(method).contains(code)) {
          wrong.add("/error/code: " + code + " is not an error " + method + " declares");
        }
        schemas
            .validateErrorData(code, reply.path("error").path("data"))
            .forEach(
                v ->
                    wrong.add(
                        "/error/data"
                            + v.pointer()
                            + ": "
                            + v.detail()
                            + " (x-error-data schema)"));
      } else {
        wrong.add("/: neither result nor error");
      }
      if (!expect.isMissingNode()) {
        wrong.addAll(AnswerMatch.mismatches(expect, reply, bindings));
      }
      return wrong.isEmpty() ? null : String.join("; ", wrong);
    }
  }

  private static Set<Integer> declared(String method) {
    Set<Integer> codes = new HashSet<>();
    JsonNode errors = SpecDocument.get().tree().path("components").path("errors");
    for (JsonNode ref : SpecDocument.get().method(method).path("errors")) {
      String name = ref.path("$ref").asText().replace("#/components/errors/", "");
      codes.add(errors.path(name).path("code").asInt());
    }
    return codes;
  }

  private static String shorten(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }

  private record Request(String who, String method, String bearer, String body) {}

  private record Answer(Request request, int status, String body) {}

  /**
   * The outcome of one scenario.
   *
   * @param scenario its name
   * @param steps how many steps it has
   * @param passed how many passed before the first failure (all of them when it passed)
   * @param failure the first failure, naming the step, or null
   */
  public record ScenarioResult(String scenario, int steps, int passed, String failure) {
    /** Whether every step passed. */
    public boolean ok() {
      return failure == null;
    }
  }
}
