package dev.parley.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.agent.llm.ChatCompletions;
import dev.parley.api.CheckResult;
import dev.parley.api.NoteKind;
import dev.parley.api.WakeOn;
import dev.parley.client.ChatSession;
import dev.parley.client.ChatText;
import dev.parley.spec.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One persona in a room: a language model that gets the protocol's actions as tools and decides
 * itself when to listen ({@code check}) and when to speak ({@code append}, {@code push}), revising
 * when a push is interrupted. Its reasoning and tool calls are shown to observers as notes. In
 * {@link Mode#MENTION} it waits until a message mentions it.
 */
public final class PersonaRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PersonaRunner.class);
  private static final ObjectMapper JSON = Json.mapper();

  /** How long a mention-mode persona waits per check; it checks again after each. */
  private static final Duration MENTION_WAIT = Duration.ofSeconds(50);

  private final Persona persona;
  private final ChatSession room;
  private final ChatCompletions model;
  private final ArrayNode tools = ProtocolTools.definitions();
  private final List<ObjectNode> window = new ArrayList<>();
  private volatile boolean running = true;

  /**
   * @param persona who it is
   * @param room its session in the room
   * @param model the language model that drives it
   */
  public PersonaRunner(Persona persona, ChatSession room, ChatCompletions model) {
    this.persona = persona;
    this.room = room;
    this.model = model;
  }

  /** Logs the persona out of its room (idempotent), so that its name is free at once. */
  @Override
  public void close() {
    room.close();
  }

  /** Asks the runner to stop after its current step. */
  public void stop() {
    running = false;
  }

  /**
   * Runs until {@link #stop()}, or until the model runs away.
   *
   * @throws RunawayModelException when the model took {@code maxSteps} steps without sending
   */
  public void run() throws InterruptedException {
    String context = ChatText.messages(room.context());
    String joined =
        "You are in the room \""
            + room.room()
            + "\" as "
            + persona.name()
            + "."
            + (context.isEmpty()
                ? " Nobody has said anything yet."
                : " The last messages were:\n" + context);
    boolean waitingForMention = persona.mode() == Mode.MENTION;
    if (!waitingForMention) {
      add(user(joined));
    }
    int steps = 0;
    while (running && !Thread.currentThread().isInterrupted()) {
      if (waitingForMention) {
        CheckResult heard = room.check(MENTION_WAIT, WakeOn.MENTION);
        // The server found the room's names in each message: a mention of this persona is in its
        // list.
        if (heard.messages().stream().noneMatch(m -> m.mentions().contains(room.username()))) {
          continue;
        }
        add(
            user(
                (window.isEmpty() ? joined + "\n\n" : "")
                    + "New messages (you were mentioned):\n"
                    + ChatText.messages(heard.messages())));
        waitingForMention = false;
      }
      ObjectNode reply = model.complete(prompt(), tools);
      steps++;
      String thought = reply.path("content").asText("");
      if (!thought.isBlank()) {
        room.note(NoteKind.THINKING, thought);
      }
      add(assistant(reply));
      JsonNode calls = reply.path("tool_calls");
      boolean sent = false;
      if (calls.isArray() && !calls.isEmpty()) {
        for (JsonNode call : calls) {
          sent |= act(call);
        }
      } else if (persona.mode() == Mode.MENTION) {
        // It answered without acting: its turn is over.
        waitingForMention = true;
      } else {
        // It spoke without acting: listen for it, so that it does not spin.
        String heard = ChatText.messages(room.check(null, WakeOn.ANY).messages());
        add(
            user(
                heard.isEmpty()
                    ? "(nothing new; call check to wait, or append and push to speak)"
                    : "New messages:\n" + heard));
      }
      if (sent) {
        steps = 0;
        waitingForMention = persona.mode() == Mode.MENTION;
        Thread.sleep(persona.delay().toMillis());
      } else if (steps >= persona.maxSteps()) {
        String why =
            persona.name() + " took " + steps + " steps without sending a message; stopped";
        room.note(NoteKind.THINKING, "[runner] " + why);
        throw new RunawayModelException(why);
      }
    }
  }

  /** Runs one tool call and records it; true when it sent a message. */
  private boolean act(JsonNode call) {
    String id = call.path("id").asText();
    String name = call.path("function").path("name").asText();
    JsonNode arguments = arguments(call.path("function").path("arguments"));
    room.note(NoteKind.TOOL_CALL, name + "(" + arguments + ")");
    ProtocolTools.Done done = ProtocolTools.execute(room, name, arguments);
    String result = done.said();
    room.note(NoteKind.TOOL_RESPONSE, result);
    LOG.debug("{}: {}({}) -> {}", persona.name(), name, arguments, result);
    ObjectNode message =
        JSON.createObjectNode().put("role", "tool").put("tool_call_id", id).put("content", result);
    add(message);
    return done.sent();
  }

  private List<ObjectNode> prompt() {
    List<ObjectNode> messages = new ArrayList<>();
    messages.add(JSON.createObjectNode().put("role", "system").put("content", systemPrompt()));
    messages.addAll(window);
    return messages;
  }

  private String systemPrompt() {
    String how =
        persona.mode() == Mode.MENTION
            ? "You answer only when someone mentions you with @"
                + persona.name()
                + "; then answer that message."
            : "You decide yourself when to listen and when to speak.";
    return persona.prompt()
        + "\n\n"
        + "You talk in a chat room through tools. To speak, append your text (in one or more pieces), then push; "
        + "check waits for others. Every tool result shows the messages that arrived meanwhile, as \"Name: text\" "
        + "lines. If a push says [not sent: ...], someone spoke while you were writing: read it, revise your draft "
        + "(undo, reset, append) if it changes your answer, and push again. If it says to wait, check first, then push again. "
        + "Keep messages short and conversational. "
        + how;
  }

  /** Keeps the prompt within {@code history} entries, never starting with a tool result. */
  private void add(ObjectNode message) {
    window.add(message);
    while (window.size() > persona.history()
        || (!window.isEmpty() && "tool".equals(window.get(0).path("role").asText()))) {
      window.remove(0);
    }
  }

  private static ObjectNode user(String content) {
    return JSON.createObjectNode().put("role", "user").put("content", content);
  }

  private static ObjectNode assistant(ObjectNode reply) {
    ObjectNode message = JSON.createObjectNode().put("role", "assistant");
    message.put("content", reply.path("content").asText(""));
    if (reply.path("tool_calls").isArray() && !reply.path("tool_calls").isEmpty()) {
      message.set("tool_calls", reply.get("tool_calls"));
    }
    return message;
  }

  /**
   * The arguments of a tool call: a JSON object, sent as a string by the protocol (or, by some
   * servers, as an object).
   */
  private static JsonNode arguments(JsonNode raw) {
    if (raw.isObject()) {
      return raw;
    }
    try {
      JsonNode parsed = JSON.readTree(raw.asText("{}"));
      return parsed != null && parsed.isObject() ? parsed : JSON.createObjectNode();
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }
}
