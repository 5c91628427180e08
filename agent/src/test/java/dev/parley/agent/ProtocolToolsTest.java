package dev.parley.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.parley.api.ParleyMethod;
import dev.parley.spec.SpecDocument;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The persona's tools come from the method table, described and typed by the spec. */
class ProtocolToolsTest {
  @Test
  void eachActionIsAToolNamedAndDescribedByItsTableEntryWithTheSpecsRequiredParams() {
    JsonNode tools = ProtocolTools.definitions();
    assertThat(tools).hasSize(ProtocolTools.ACTIONS.size());
    for (int i = 0; i < tools.size(); i++) {
      ParleyMethod action = ProtocolTools.ACTIONS.get(i);
      JsonNode function = tools.get(i).path("function");
      assertThat(function.path("name").asText()).isEqualTo(action.wireName());
      assertThat(function.path("description").asText())
          .isEqualTo(action.summary() + " " + action.description());
      List<String> required = new ArrayList<>();
      SpecDocument.get()
          .method(action.wireName())
          .path("params")
          .forEach(
              p -> {
                if (p.path("required").asBoolean()) {
                  required.add(p.path("name").asText());
                }
              });
      List<String> listed = new ArrayList<>();
      function.path("parameters").path("required").forEach(r -> listed.add(r.asText()));
      assertThat(listed).as(action.wireName()).containsExactlyElementsOf(required);
    }
    assertThat(ProtocolTools.ACTIONS)
        .doesNotContain(ParleyMethod.LOGIN, ParleyMethod.LOGOUT, ParleyMethod.RPC_DISCOVER);
  }

  @Test
  void aMethodThatIsNoActionOfAPersonaIsNoToolEither() {
    for (String name : new String[] {"login", "logout", "rooms", "nope", "talkingStick"}) {
      // Refused before the room is reached.
      ProtocolTools.Done done =
          ProtocolTools.execute(null, name, JsonNodeFactory.instance.objectNode());
      assertThat(done.said())
          .as(name)
          .startsWith("[no such tool: " + name + "; the tools are append, undo, preview,");
      assertThat(done.sent()).isFalse();
    }
  }
}
