package dev.parley.server.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.googlecode.jsonrpc4j.JsonRpcMethod;
import dev.parley.api.ParleyApi;
import dev.parley.spec.SpecDocument;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The spec agrees with itself and with the generated interface. */
class SpecExamplesTest {
  private static final JsonNode DOC = SpecDocument.get().tree();
  private final SpecSchemas schemas = new SpecSchemas(DOC);

  @Test
  void everyMethodHasAnExampleWhoseParamsAndResultMatchItsSchemas() {
    for (JsonNode method : DOC.get("methods")) {
      String name = method.get("name").asText();
      assertThat(method.get("examples")).as("examples of %s", name).isNotEmpty();
      List<JsonNode> examples = new ArrayList<>();
      method.get("examples").forEach(examples::add);
      method.path("x-stateful-examples").forEach(examples::add);
      for (JsonNode example : examples) {
        ObjectNode params = RpcClientlessJson.object();
        example.get("params").forEach(p -> params.set(p.get("name").asText(), p.get("value")));
        assertThat(schemas.validateParams(name, params))
            .as("params of %s example %s", name, example.get("name"))
            .isEmpty();
        assertThat(schemas.validateResult(name, example.get("result").get("value")))
            .as("result of %s example %s", name, example.get("name"))
            .isEmpty();
      }
    }
  }

  /**
   * OpenRPC tools pair an example's params with the method's by position: each example must list
   * them in declaration order, without a gap, so that either pairing gives the same call.
   */
  @Test
  void everyExampleListsItsParamsInDeclarationOrderWithoutGaps() {
    for (JsonNode method : DOC.get("methods")) {
      List<String> declared = method.get("params").findValuesAsText("name");
      List<JsonNode> examples = new ArrayList<>();
      method.get("examples").forEach(examples::add);
      method.path("x-stateful-examples").forEach(examples::add);
      for (JsonNode example : examples) {
        List<String> listed = new ArrayList<>();
        example.get("params").forEach(p -> listed.add(p.get("name").asText()));
        assertThat(listed)
            .as("params of %s example %s", method.get("name"), example.get("name"))
            .isEqualTo(declared.subList(0, Math.min(listed.size(), declared.size())))
            .hasSizeLessThanOrEqualTo(declared.size());
      }
    }
  }

  /** A stateful example says what state it needs; the plain ones run in order without it. */
  @Test
  void everyStatefulExampleSaysWhatItNeeds() {
    for (JsonNode method : DOC.get("methods")) {
      for (JsonNode example : method.path("x-stateful-examples")) {
        assertThat(example.path("x-given").asText())
            .as("x-given of %s example %s", method.get("name"), example.get("name"))
            .isNotBlank();
      }
    }
  }

  /**
   * OpenRPC makes an error's {@code data} a value: each is an example, valid against the schema
   * that {@code x-error-data} declares under the error's name.
   */
  @Test
  void everyErrorsDataIsAnExampleOfItsSchemaInXErrorData() {
    JsonNode errors = DOC.get("components").get("errors");
    assertThat(DOC.get("x-error-data").properties())
        .extracting(java.util.Map.Entry::getKey)
        .containsExactlyElementsOf(errors.properties().stream().map(e -> e.getKey()).toList());
    errors
        .properties()
        .forEach(
            e -> {
              int code = e.getValue().get("code").asInt();
              assertThat(e.getValue().has("data")).as("data example of %s", e.getKey()).isTrue();
              assertThat(schemas.validateErrorData(code, e.getValue().get("data")))
                  .as("data example of %s", e.getKey())
                  .isEmpty();
            });
  }

  @Test
  void theGeneratedInterfaceHasExactlyTheSpecsMethods() {
    List<String> specMethods = new ArrayList<>();
    DOC.get("methods").forEach(m -> specMethods.add(m.get("name").asText()));
    List<String> javaMethods =
        Arrays.stream(ParleyApi.class.getMethods())
            .map(m -> m.getAnnotation(JsonRpcMethod.class).value())
            .toList();
    assertThat(javaMethods).containsExactlyInAnyOrderElementsOf(specMethods);
  }

  @Test
  void everyMethodDeclaresTheErrorsEveryCallCanGet() {
    for (JsonNode method : DOC.get("methods")) {
      List<String> refs = method.get("errors").findValuesAsText("$ref");
      assertThat(refs)
          .as("errors of %s", method.get("name"))
          .contains(
              "#/components/errors/InvalidRequest",
              "#/components/errors/InvalidParams",
              "#/components/errors/InternalError");
      if (method.get("x-requires-session").asBoolean()) {
        assertThat(refs)
            .as("errors of %s", method.get("name"))
            .contains("#/components/errors/NotLoggedIn");
      }
    }
  }

  @Test
  void theRateLimitErrorDataIsValidatedAgainstItsDeclaredShape() {
    assertThat(schemas.validateErrorData(40003, RpcClientlessJson.parse("{\"retry_after_ms\": 5}")))
        .isEmpty();
    assertThat(schemas.validateErrorData(40003, RpcClientlessJson.parse("{\"retry\": \"soon\"}")))
        .isNotEmpty();
  }

  /** Tiny JSON helpers, so this test needs no server. */
  private static final class RpcClientlessJson {
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
        new com.fasterxml.jackson.databind.ObjectMapper();

    static ObjectNode object() {
      return MAPPER.createObjectNode();
    }

    static JsonNode parse(String json) {
      try {
        return MAPPER.readTree(json);
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
    }
  }
}
