package dev.parley.server.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a vector's {@code expect} means. */
class AnswerMatchTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, JsonNode> bindings = new HashMap<>();

  private List<String> match(String expected, String actual) throws Exception {
    return AnswerMatch.mismatches(JSON.readTree(expected), JSON.readTree(actual), bindings);
  }

  @Test
  void anObjectMayHaveMoreMembersButNotFewer() throws Exception {
    assertThat(match("{\"a\": 1}", "{\"a\": 1, \"b\": 2}")).isEmpty();
    assertThat(match("{\"a\": 1, \"c\": 3}", "{\"a\": 1}"))
        .containsExactly("/c: missing, expected 3");
  }

  @Test
  void numbersMatchByValueAndArraysByLengthAndElement() throws Exception {
    assertThat(match("{\"n\": 1}", "{\"n\": 1.0}")).isEmpty();
    assertThat(match("[1, 2]", "[1, 2, 3]"))
        .containsExactly("/: expected an array of 2, found an array of 3: [1,2,3]");
    assertThat(match("[{\"a\": 1}]", "[{\"a\": 2}]")).containsExactly("/0/a: expected 1, found 2");
  }

  @Test
  void patternsAnyAbsentAndContains() throws Exception {
    assertThat(match("{\"a\": \"$any\", \"b\": \"$absent\"}", "{\"a\": [1]}")).isEmpty();
    assertThat(match("{\"b\": \"$absent\"}", "{\"b\": null}"))
        .containsExactly("/b: expected no such member, found null");
    assertThat(match("[\"$contains\", {\"x\": 2}]", "[{\"x\": 1}, {\"x\": 2}]")).isEmpty();
    assertThat(match("[\"$contains\", {\"x\": 3}]", "[{\"x\": 1}]")).hasSize(1);
  }

  @Test
  void aVariableBindsOnceAndMustMatchAfter() throws Exception {
    assertThat(match("{\"id\": \"${m}\"}", "{\"id\": \"msg-4\"}")).isEmpty();
    assertThat(match("{\"id\": \"${m}\"}", "{\"id\": \"msg-4\"}")).isEmpty();
    assertThat(match("{\"id\": \"${m}\"}", "{\"id\": \"msg-5\"}"))
        .containsExactly("/id: expected \"msg-4\" (${m}), found \"msg-5\"");
    assertThat(AnswerMatch.substitute("in ${m}!", bindings)).isEqualTo("in msg-4!");
    assertThat(AnswerMatch.fill(JSON.readTree("{\"resume\": \"${m}\"}"), bindings))
        .isEqualTo(JSON.readTree("{\"resume\": \"msg-4\"}"));
  }
}
