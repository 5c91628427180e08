package dev.parley.agent;

import static dev.parley.agent.ScriptedModel.allText;
import static dev.parley.agent.ScriptedModel.calls;
import static dev.parley.agent.ScriptedModel.lastMessage;
import static dev.parley.agent.ScriptedModel.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.agent.llm.ChatCompletions;
import dev.parley.agent.llm.EndpointException;
import dev.parley.client.ChatSession;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Personas driven by a scripted chat-completions server, through a real daemon: they converse,
 * revise when interrupted, stay quiet until mentioned, and ride out endpoint errors.
 */
class PersonaRunnerTest {
  private static final Duration BOUND = Duration.ofSeconds(60);

  private static CompletableFuture<Void> start(
      RunningServer server, ScriptedModel model, String name, String modelName, Mode mode) {
    ChatCompletions llm =
        new ChatCompletions(
            new ChatCompletions.Settings(
                model.baseUrl(),
                modelName,
                "sk-test",
                0.7,
                256,
                Duration.ofSeconds(30),
                3,
                Duration.ofMillis(10)));
    ChatSession room =
        new ChatSession(server.uri(), name, "party", ChatSession.DEFAULT_RETRY, null, null);
    PersonaRunner runner =
        new PersonaRunner(
            new Persona(name, "You are " + name + ".", mode, 20, Duration.ZERO, 6), room, llm);
    return CompletableFuture.runAsync(
        () -> {
          try {
            runner.run();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }

  /** A runner ends when its script does: the endpoint's 400 stops it with a clear error. */
  private static void finished(CompletableFuture<Void> run) throws Exception {
    try {
      run.get(BOUND.toSeconds(), TimeUnit.SECONDS);
      throw new AssertionError("the runner should end when its script runs out");
    } catch (ExecutionException e) {
      assertThat(e.getCause())
          .isInstanceOf(EndpointException.class)
          .hasMessageContaining("HTTP 400");
    }
  }

  @Test
  void twoPersonasConverseThroughTheDaemon() throws Exception {
    try (RunningServer server = RunningServer.start();
        ScriptedModel model = new ScriptedModel()) {
      CountDownLatch adaSpoke = new CountDownLatch(1);
      model.script(
          "ada-model",
          r ->
              calls(
                  "I will open.",
                  "append",
                  "{\"text\": \"Hello Bo, shall we plan the trip?\"}",
                  "push",
                  "{}"),
          r -> {
            adaSpoke.countDown();
            return calls("", "check", "{}");
          },
          r -> {
            if (!allText(r).contains("Bo: Yes! Let's go to the coast.")) {
              model.complaints.add("ada was not told Bo's answer: " + lastMessage(r));
            }
            return calls("Bo agreed.", "append", "{\"text\": \"The coast it is.\"}", "push", "{}");
          });
      model.script(
          "bo-model",
          r -> {
            awaitLatch(adaSpoke);
            return calls("", "check", "{}");
          },
          r -> {
            if (!allText(r).contains("ada: Hello Bo, shall we plan the trip?")) {
              model.complaints.add("bo was not told ada's question");
            }
            return calls("", "append", "{\"text\": \"Yes! Let's go to the coast.\"}", "push", "{}");
          });
      CompletableFuture<Void> ada = start(server, model, "ada", "ada-model", Mode.FREE);
      CompletableFuture<Void> bo = start(server, model, "Bo", "bo-model", Mode.FREE);
      finished(ada);
      finished(bo);

      RpcClient reader = server.login("reader", "party");
      assertThat(RpcClient.chatLines(reader.call("history")))
          .containsExactly(
              "ada: Hello Bo, shall we plan the trip?",
              "Bo: Yes! Let's go to the coast.",
              "ada: The coast it is.");
      assertThat(model.complaints).isEmpty();
      assertThat(model.requests.get("ada-model").get(0).get("messages").get(0).get("role").asText())
          .isEqualTo("system");
    }
  }

  @Test
  void aPersonaWhosePushIsInterruptedRevises() throws Exception {
    try (RunningServer server = RunningServer.start();
        ScriptedModel model = new ScriptedModel()) {
      RpcClient human = server.login("human", "party");
      CountDownLatch drafted = new CountDownLatch(1);
      CountDownLatch humanSpoke = new CountDownLatch(1);
      model.script(
          "m",
          r -> calls("", "append", "{\"text\": \"The answer is 42.\"}"),
          r -> {
            drafted.countDown();
            awaitLatch(humanSpoke);
            return calls("", "push", "{}");
          },
          r -> {
            String result = lastMessage(r);
            if (!result.contains("[not sent: 1 new message arrived")
                || !result.contains("human: Careful, it is 41.")) {
              model.complaints.add("the interrupted push was not reported: " + result);
            }
            return calls(
                "I must revise.",
                "reset",
                "{}",
                "append",
                "{\"text\": \"You are right, 41.\"}",
                "push",
                "{}");
          });
      CompletableFuture<Void> run = start(server, model, "sage", "m", Mode.FREE);
      awaitLatch(drafted);
      human.call("append", Map.of("text", "Careful, it is 41."));
      human.call("push");
      humanSpoke.countDown();
      finished(run);

      assertThat(RpcClient.chatLines(human.call("history")))
          .containsExactly("human: Careful, it is 41.", "sage: You are right, 41.");
      assertThat(model.complaints).isEmpty();
    }
  }

  @Test
  void aPersonaWaitsWhileAHumanIsTypingAndSpeaksAfterThem() throws Exception {
    try (RunningServer server = RunningServer.start();
        ScriptedModel model = new ScriptedModel()) {
      RpcClient nobody = server.client();
      JsonNode login =
          nobody.call("login", Map.of("username", "human", "room", "party", "kind", "human"));
      RpcClient human = nobody.withSession(login.get("session").asText());
      human.call("append", Map.of("text", "Let me think"));
      CountDownLatch held = new CountDownLatch(1);
      model.script(
          "m",
          r -> calls("", "append", "{\"text\": \"I will answer now.\"}", "push", "{}"),
          r -> {
            String result = lastMessage(r);
            if (!result.contains("[not sent: a human is typing; check, then push again]")) {
              model.complaints.add("the held push was not reported: " + result);
            }
            held.countDown();
            return calls("", "check", "{}");
          },
          r -> {
            if (!lastMessage(r).contains("human: Let me think about it.")) {
              model.complaints.add("the check did not bring the human's words: " + lastMessage(r));
            }
            return calls("", "push", "{}");
          });
      CompletableFuture<Void> run = start(server, model, "sage", "m", Mode.FREE);
      awaitLatch(held);
      human.call("append", Map.of("text", " about it."));
      human.call("push");
      finished(run);

      assertThat(RpcClient.chatLines(human.call("history")))
          .containsExactly("human: Let me think about it.", "sage: I will answer now.");
      assertThat(model.complaints).isEmpty();
    }
  }

  @Test
  void aPersonaPastTheLoopGuardWaitsForAPersonAndSpeaksAfterThem() throws Exception {
    try (RunningServer server = RunningServer.start();
        ScriptedModel model = new ScriptedModel()) {
      // ann, a person, makes the room with a guard of one agent message in a row; bot sends it.
      RpcClient nobody = server.client();
      JsonNode login =
          nobody.call(
              "login",
              Map.of(
                  "username",
                  "ann",
                  "room",
                  "party",
                  "kind",
                  "human",
                  "options",
                  Map.of("max_agent_run", 1)));
      RpcClient ann = nobody.withSession(login.get("session").asText());
      RpcClient bot = server.login("bot", "party");
      bot.call("append", Map.of("text", "I spoke first."));
      bot.call("push");
      CountDownLatch held = new CountDownLatch(1);
      model.script(
          "m",
          r -> calls("", "append", "{\"text\": \"Me too.\"}", "push", "{}"),
          r -> {
            String result = lastMessage(r);
            if (!result.contains("[not sent: agents have sent 1 message in a row")) {
              model.complaints.add("the guarded push was not reported: " + result);
            }
            held.countDown();
            return calls("", "check", "{}");
          },
          r -> {
            if (!lastMessage(r).contains("ann: Go on.")) {
              model.complaints.add("the check did not bring ann's words: " + lastMessage(r));
            }
            return calls("", "push", "{}");
          });
      CompletableFuture<Void> run = start(server, model, "sage", "m", Mode.FREE);
      awaitLatch(held);
      ann.call("append", Map.of("text", "Go on."));
      ann.call("push");
      finished(run);

      assertThat(RpcClient.chatLines(ann.call("history")))
          .containsExactly("bot: I spoke first.", "ann: Go on.", "sage: Me too.");
      assertThat(model.complaints).isEmpty();
    }
  }

  @Test
  void aMentionModeAssistantStaysSilentUntilAddressed() throws Exception {
    try (RunningServer server = RunningServer.start();
        ScriptedModel model = new ScriptedModel()) {
      RpcClient human = server.login("human", "party");
      model.script(
          "helper",
          r -> {
            if (!lastMessage(r).contains("human: @assistant what time is it?")) {
              model.complaints.add("the first request was not the mention: " + lastMessage(r));
            }
            return calls("", "append", "{\"text\": \"It is noon.\"}", "push", "{}");
          });
      CompletableFuture<Void> run = start(server, model, "assistant", "helper", Mode.MENTION);
      await()
          .atMost(BOUND)
          .until(
              () ->
                  human
                      .call("participants")
                      .get("participants")
                      .findValuesAsText("state")
                      .contains("waiting"));
      human.call("append", Map.of("text", "hello everyone"));
      human.call("push");
      human.call("append", Map.of("text", "@assistant what time is it?"));
      human.call("push");
      assertThat(RpcClient.chatLines(human.call("check", Map.of("timeout_ms", 60_000))))
          .containsExactly("assistant: It is noon.");
      // Only the mention reached the model: "hello everyone" woke nobody.
      assertThat(model.requests.get("helper")).hasSize(1);

      human.call("append", Map.of("text", "thanks @Assistant"));
      human.call("push");
      finished(run);
      assertThat(model.requests.get("helper")).hasSize(2);
      assertThat(model.complaints).isEmpty();
      assertThat(RpcClient.chatLines(human.call("history")))
          .containsExactly(
              "human: hello everyone",
              "human: @assistant what time is it?",
              "assistant: It is noon.",
              "human: thanks @Assistant");
    }
  }

  @Test
  void endpointErrorsAreRetried() throws Exception {
    try (RunningServer server = RunningServer.start();
        ScriptedModel model = new ScriptedModel()) {
      model.script(
          "flaky",
          r -> status(503),
          r -> status(429),
          r -> calls("", "append", "{\"text\": \"third time lucky\"}", "push", "{}"));
      CompletableFuture<Void> run = start(server, model, "flaky", "flaky", Mode.FREE);
      finished(run);
      assertThat(model.requests.get("flaky")).hasSize(4);
      RpcClient reader = server.login("reader", "party");
      assertThat(RpcClient.chatLines(reader.call("history")))
          .containsExactly("flaky: third time lucky");
    }
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      if (!latch.await(60, TimeUnit.SECONDS)) {
        throw new AssertionError("timed out waiting in a scripted step");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
