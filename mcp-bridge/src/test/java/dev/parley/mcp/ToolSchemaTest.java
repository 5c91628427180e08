package dev.parley.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.api.ParleyMethod;
import dev.parley.spec.SpecDocument;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tools' input schemas, built from the spec, against the spec itself and written out. */
class ToolSchemaTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyMethodButDiscoveryAndTheSocketsOwnIsATool() {
    List<String> methods = new ArrayList<>();
    SpecDocument.get().tree().path("methods").forEach(m -> methods.add(m.path("name").asText()));
    methods.remove("rpc.discover");
    methods.remove("subscribe");
    assertThat(SpecTool.fromSpec()).extracting(SpecTool::name).containsExactlyElementsOf(methods);
    // Each tool is its entry of the method table, which the bridge calls through.
    for (SpecTool tool : SpecTool.fromSpec()) {
      assertThat(ParleyMethod.byWireName(tool.name())).contains(tool.method());
    }
  }

  @Test
  void aDocumentWithoutAMethodOfTheTableMakesNoTools() {
    ObjectNode document = SpecDocument.get().tree().deepCopy();
    ArrayNode methods = (ArrayNode) document.get("methods");
    for (int i = methods.size() - 1; i >= 0; i--) {
      if (methods.get(i).path("name").asText().equals("talking_stick")) {
        methods.remove(i);
      }
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SpecTool.fromSpec(document))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no method talking_stick");
  }

  @Test
  void eachInputSchemaHasTheMethodsParamsAndRequiredListAndNoReference() {
    for (SpecTool tool : SpecTool.fromSpec()) {
      JsonNode method = SpecDocument.get().method(tool.name());
      List<String> names = new ArrayList<>();
      List<String> required = new ArrayList<>();
      for (JsonNode p : method.path("params")) {
        if (p.path("x-websocket-only").asBoolean(false)) {
          // login's subscribe: notifications have no way to a tool call.
          continue;
        }
        names.add(p.path("name").asText());
        if (p.path("required").asBoolean()) {
          required.add(p.path("name").asText());
        }
      }
      JsonNode schema = tool.inputSchema();
      assertThat(schema.path("type").asText()).isEqualTo("object");
      assertThat(schema.path("additionalProperties").asBoolean(true)).isFalse();
      List<String> properties = new ArrayList<>();
      schema.path("properties").fieldNames().forEachRemaining(properties::add);
      assertThat(properties).as(tool.name()).containsExactlyElementsOf(names);
      List<String> listed = new ArrayList<>();
      schema.path("required").forEach(r -> listed.add(r.asText()));
      assertThat(listed).as(tool.name()).containsExactlyElementsOf(required);
      assertThat(schema.toString()).as(tool.name()).doesNotContain("$ref");
      assertThat(tool.outputSchema().toString()).as(tool.name()).doesNotContain("$ref");
      assertThat(tool.description())
          .startsWith(method.path("summary").asText())
          .endsWith(method.path("description").asText());
      assertThat(tool.needsSession()).isEqualTo(method.path("x-requires-session").asBoolean());
    }
  }

  @Test
  void loginsSchemaIsTheSpecsWithItsReferencesWrittenOut() throws Exception {
    JsonNode expected =
        JSON.readTree(
            """
        {"type": "object",
         "properties": {
           "username": {"type": "string", "minLength": 1, "maxLength": 32, "pattern": "^[^\\\\u0000-\\\\u001F\\\\u007F]+$",
             "description": "A participant's name: 1 to 32 characters, no control characters. Normalised to Unicode NFKC (the session's `username` is that form) and refused (-32602) when it holds invisible (default-ignorable), bidirectional-control or other format characters, white space other than single plain spaces inside it, or a word that mixes scripts as lookalikes do (Cyrillic `а` in `аlice`). Unique among a room's live sessions by its Unicode TR39 confusable skeleton, ignoring case (`Alice`, `aIice` and `a1ice` clash with `alice`); `system` is reserved in every such disguise."},
           "room": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,63}$", "default": "lobby",
             "description": "The room to join. A room's name: lower-case letters, digits, `_` and `-`, starting with a letter or digit, at most 64 characters."},
           "floor": {"type": "string", "enum": ["open", "stick"],
             "description": "The policy of a room this login creates; ignored for an existing room. `open`: the talking stick is a courtesy, always granted. `stick`: only the holder may append and push."},
           "resume": {"type": "string", "pattern": "^[A-Za-z0-9_-]{22,128}$",
             "description": "A token of an earlier session of this username in this room. A session token: at least 128 random bits, URL-safe base64. Sent as `Authorization: Bearer <token>`."},
           "key": {"type": "string", "pattern": "^[A-Za-z0-9_-]{16,256}$",
             "description": "The access key of the caller, required for a new session when the daemon runs with access control (`parley serve --auth keys`); the username must then be the key's name or start with it and `/`, and the room one the key may join. Not needed to `resume` a live session, whose token is the secret. Ignored without access control. An access key of a daemon with access control: URL-safe characters, as `parley keys add` makes them (`pk_` and 256 random bits). Given as `key` to `login`, or as `Authorization: Bearer <key>` to `rooms`, `/observe` and `/mcp`."},
           "kind": {"type": "string", "enum": ["human", "agent"], "default": "agent",
             "description": "Whether a person or a program holds this session; ignored on `resume`, which keeps the session's. Who is behind a session: a person (`parley chat` logs in as one) or a program such as an LLM agent. Rooms with `human_first` hold agents' pushes back while a human is drafting."},
           "options": {"type": "object", "additionalProperties": false,
             "description": "The options of a room this login creates (those left out are the daemon's defaults); ignored for an existing room: `options` in the result says what the room has. How a room treats its participants, chosen when it is created (by the `login` that creates it, else from the daemon's defaults) and kept for its life.",
             "properties": {"human_first": {"type": "boolean",
               "description": "While a human participant is drafting (its draft is not empty and was changed within `limits.stick_hold_ms`, so that a draft left behind holds nobody for long), an agent's `push` is not sent: the result has `status` 0, `interrupted` true and `reason` `human_drafting`, the draft is kept, and `force` does not pass it. The agent may `check` (the human's message wakes it) and push again. Default: the daemon's (`parley serve --human-first`, on); rooms created before this option existed have it off."},
               "mention_wakes_per_minute": {"type": "integer", "minimum": 0, "maximum": 1000000,
               "description": "The wake budget: how many agents one participant's messages may name as `@username` in a minute, each a wake-up (a `check` with `wake_on: \\"mention\\"` returns for it: for an agent, a model call). A `push` beyond it is refused with 40003 (`reason` `mention_wakes`, and `retry_after_ms` until the budget has room), its draft kept. The budget refills evenly over the minute; a message naming more agents than the whole budget goes once the budget is full, and empties it. 0: no budget. Default: the daemon's (`parley serve --mention-wakes-per-minute`, 60); rooms created before this option existed have none."},
               "max_agent_run": {"type": "integer", "minimum": 0, "maximum": 1000000,
               "description": "The loop guard: after this many chat messages in a row from agents, with no message from a human between them, agents' pushes are refused with 40014 (`reason` `agent_run`, with the count), their drafts kept, until a human sends a chat message or a moderator calls `continue`. The message that reaches the limit is followed by an `agent_run_limit` system message. 0: no guard (for rooms where only agents talk). Default: the daemon's (`parley serve --max-agent-run`, 8); rooms created before this option existed have none."}}}
         },
         "required": ["username"],
         "additionalProperties": false}
        """);
    assertThat(tool("login").inputSchema()).isEqualTo(expected);
  }

  @Test
  void checksSchemaKeepsDefaultsAndAToolWithoutParamsTakesAnEmptyObject() throws Exception {
    assertThat(tool("check").inputSchema())
        .isEqualTo(
            JSON.readTree(
                """
        {"type": "object",
         "properties": {
           "timeout_ms": {"type": "integer", "format": "int64", "minimum": 0, "default": 25000,
             "description": "How long to wait at most, in milliseconds."},
           "wake_on": {"type": "string", "enum": ["any", "mention"], "default": "any",
             "description": "What ends the wait early. What ends a `check` early: any undelivered message, or only one that mentions the caller."}
         },
         "additionalProperties": false}
        """));
    assertThat(tool("push").inputSchema().path("required").isMissingNode()).isTrue();
    assertThat(tool("preview").inputSchema())
        .isEqualTo(
            JSON.readTree(
                """
        {"type": "object", "properties": {}, "additionalProperties": false}
        """));
  }

  private static SpecTool tool(String name) {
    return SpecTool.fromSpec().stream()
        .filter(t -> t.name().equals(name))
        .findFirst()
        .orElseThrow();
  }
}
