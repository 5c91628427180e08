package dev.parley.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.palantir.javapoet.JavaFile;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What the generator makes of a small OpenRPC document. */
class GenerateTest {
  private static final String DOC =
      """
      {"openrpc": "1.2.6", "info": {"title": "Demo", "version": "1"},
       "methods": [
         {"name": "talking_stick", "summary": "Claim.", "x-requires-session": true, "params": [
            {"name": "wake_on", "required": false, "schema": {"allOf": [{"$ref": "#/components/schemas/WakeOn"}], "default": "any"}},
            {"name": "timeout_ms", "required": true, "schema": {"type": "integer", "format": "int64"}}],
          "result": {"name": "r", "schema": {"$ref": "#/components/schemas/Claim"}}},
         {"name": "rpc.discover", "x-requires-session": false, "params": [], "result": {"name": "d", "schema": {"type": "object"}}}],
       "components": {
         "schemas": {
           "Name": {"type": "string", "minLength": 1},
           "WakeOn": {"type": "string", "enum": ["any", "tool_call"]},
           "Claim": {"type": "object", "required": ["granted", "holder"], "properties": {
              "granted": {"type": "boolean"}, "holder": {"$ref": "#/components/schemas/Name"},
              "retry_after_ms": {"type": "integer"}, "tags": {"type": "array", "items": {"type": "string"}},
              "seq": {"type": "integer", "minimum": 1, "maximum": 9007199254740991}}}},
         "errors": {"FloorHeld": {"code": 40012, "message": "Held", "data": {"holder": "A"}}}},
       "x-error-data": {"FloorHeld": {"type": "object", "required": ["holder"],
         "properties": {"holder": {"type": ["string", "null"]}}}}}
      """;

  private final Map<String, String> sources = generate(DOC);

  private static Map<String, String> generate(String doc) {
    try {
      List<JavaFile> files =
          Generate.generate(
              OpenRpcDocument.of(new ObjectMapper().readTree(doc)), "demo.api", "DemoApi");
      return files.stream()
          .collect(
              Collectors.toMap(
                  f -> f.typeSpec().name(),
                  JavaFile::toString,
                  (a, b) -> a,
                  java.util.LinkedHashMap::new));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void objectSchemasBecomeRecordsWithPrimitivesOnlyWhereRequired() {
    assertThat(sources)
        .containsKeys(
            "Claim",
            "WakeOn",
            "DemoApi",
            "FloorHeldException",
            "ParleyRpcException",
            "TalkingStickParams",
            "RpcDiscoverParams",
            "DemoMethod",
            "DemoHandler",
            "DemoDispatcher");
    assertThat(sources).doesNotContainKey("Name");
    String claim = sources.get("Claim");
    assertThat(claim).contains("public record Claim(");
    assertThat(claim).contains("@JsonProperty(\"granted\") boolean granted");
    assertThat(claim).contains("@JsonProperty(\"holder\") String holder");
    assertThat(claim).contains("@JsonProperty(\"retry_after_ms\") Integer retryAfterMs");
    // A range past an int's, as a schema without formats gives one, needs a long.
    assertThat(claim).contains("@JsonProperty(\"seq\") Long seq");
    assertThat(claim).contains("List<String> tags");
  }

  @Test
  void stringEnumsKeepTheirWireNames() {
    String wakeOn = sources.get("WakeOn");
    assertThat(wakeOn).contains("TOOL_CALL(\"tool_call\")").contains("@JsonValue");
  }

  @Test
  void methodsBecomeInterfaceMethodsWithNamedParams() {
    String api = sources.get("DemoApi");
    assertThat(api).contains("@JsonRpcMethod(\"talking_stick\")");
    assertThat(api).contains("Claim talkingStick(@JsonRpcParam(\"wake_on\") WakeOn wakeOn,");
    assertThat(api).contains("@JsonRpcParam(\"timeout_ms\") long timeoutMs)");
    assertThat(api).contains("@JsonRpcMethod(\"rpc.discover\")").contains("JsonNode rpcDiscover()");
  }

  @Test
  void errorsBecomeTypedExceptionsFoundByCode() {
    assertThat(sources.get("FloorHeldException")).contains("public static final int CODE = 40012;");
    assertThat(sources.get("ParleyRpcException"))
        .contains("case 40012 -> new FloorHeldException(data);");
  }

  @Test
  void anErrorsDataIsTypedFromItsSchemaInXErrorDataNotFromItsExampleValue() {
    String floorHeld = sources.get("FloorHeldException");
    assertThat(floorHeld).contains("record Data(").contains("String holder");
    assertThat(floorHeld).contains("public FloorHeldException(String holder)");
  }

  @Test
  void aDataSchemaForAnUndeclaredErrorIsRefused() {
    String typo =
        DOC.replace("\"x-error-data\": {\"FloorHeld\"", "\"x-error-data\": {\"FloorHold\"");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> generate(typo))
        .hasMessageContaining("FloorHold");
  }

  @Test
  void eachMethodGetsAStrictParamsRecordWithItsWireNames() {
    String params = sources.get("TalkingStickParams");
    assertThat(params)
        .contains("public record TalkingStickParams(@JsonProperty(\"wake_on\") WakeOn wakeOn,");
    assertThat(params).contains("@JsonProperty(\"timeout_ms\") long timeoutMs)");
    // Params the document does not declare are refused when read, unlike a result's.
    assertThat(params).doesNotContain("ignoreUnknown");
    assertThat(sources.get("Claim")).contains("ignoreUnknown = true");
    assertThat(sources.get("RpcDiscoverParams")).contains("public record RpcDiscoverParams()");
  }

  @Test
  void theMethodTableHasAnEntryPerMethodFoundByWireName() {
    String table = sources.get("DemoMethod");
    assertThat(table).contains("public enum DemoMethod");
    assertThat(table)
        .contains(
            "TALKING_STICK(\"talking_stick\", true, TalkingStickParams.class, Claim.class, \"Claim.\", \"\")");
    assertThat(table)
        .contains("RPC_DISCOVER(\"rpc.discover\", false, RpcDiscoverParams.class, JsonNode.class");
    assertThat(table)
        .contains("case \"talking_stick\" -> Optional.of(TALKING_STICK);")
        .contains("case \"rpc.discover\" -> Optional.of(RPC_DISCOVER);")
        .contains("default -> Optional.empty();");
  }

  @Test
  void theHandlerTakesTheCallerAndTheParamsRecord() {
    String handler = sources.get("DemoHandler");
    assertThat(handler).contains("public interface DemoHandler<C>");
    assertThat(handler).contains("Claim talkingStick(C caller, TalkingStickParams params);");
    assertThat(handler).contains("JsonNode rpcDiscover(C caller, RpcDiscoverParams params);");
  }

  @Test
  void theDispatcherSwitchesOverTheTableToTheHandlerAndToTheService() {
    String dispatcher = sources.get("DemoDispatcher");
    assertThat(dispatcher)
        .contains(
            "public static <C> Object dispatch(DemoHandler<C> handler, C caller, DemoMethod method,");
    assertThat(dispatcher)
        .contains(
            "case TALKING_STICK -> handler.talkingStick(caller, (TalkingStickParams) params);");
    assertThat(dispatcher)
        .contains("public static Object invoke(DemoApi service, DemoMethod method, Object params)");
    assertThat(dispatcher).contains("yield service.talkingStick(p.wakeOn(), p.timeoutMs());");
    assertThat(dispatcher).contains("case RPC_DISCOVER -> service.rpcDiscover();");
    // An exhaustive switch over the enum: a method the dispatcher missed would not compile.
    assertThat(dispatcher).doesNotContain("default ->");
  }

  @Test
  void aSchemaNamedLikeAMethodsParamsRecordIsRefused() {
    String clash =
        DOC.replace("\"Name\": {", "\"TalkingStickParams\": {\"type\": \"string\"}, \"Name\": {");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> generate(clash))
        .hasMessageContaining("TalkingStickParams has the name of the params of talking_stick");
  }

  @Test
  void aMethodThatDoesNotSayWhetherItNeedsASessionIsRefused() {
    String silent = DOC.replace("\"x-requires-session\": true, ", "");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> generate(silent))
        .hasMessageContaining("talking_stick must say x-requires-session");
  }

  private static String withNotifications(String entries) {
    return DOC.replace(
        "\"openrpc\": \"1.2.6\",", "\"openrpc\": \"1.2.6\", \"x-notifications\": " + entries + ",");
  }

  @Test
  void notificationsBecomeATableOfTheirParamsRecords() {
    Map<String, String> withTable =
        generate(
            withNotifications(
                "[{\"name\": \"floor_changed\", \"summary\": \"Claimed.\","
                    + " \"params\": {\"$ref\": \"#/components/schemas/Claim\"}}]"));
    assertThat(withTable.get("DemoNotification"))
        .contains("FLOOR_CHANGED(\"floor_changed\", Claim.class)")
        .contains("case \"floor_changed\" -> Optional.of(FLOOR_CHANGED)");
    assertThat(sources).doesNotContainKey("DemoNotification");
  }

  @Test
  void aNotificationWhoseParamsAreNotAnObjectSchemaIsRefused() {
    String loose =
        withNotifications(
            "[{\"name\": \"renamed\", \"params\": {\"$ref\": \"#/components/schemas/Name\"}}]");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> generate(loose))
        .hasMessageContaining("renamed must give its params as a $ref to an object schema");
    String clash =
        withNotifications(
            "[{\"name\": \"talking_stick\", \"params\": {\"$ref\": \"#/components/schemas/Claim\"}}]");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> generate(clash))
        .hasMessageContaining("has the name of a method");
  }

  @Test
  void namesTurnProtocolSpellingsIntoJava() {
    Function<String, String> camel = Names::camel;
    assertThat(camel.apply("talking_stick")).isEqualTo("talkingStick");
    assertThat(camel.apply("rpc.discover")).isEqualTo("rpcDiscover");
    assertThat(Names.pascal("message_id")).isEqualTo("MessageId");
    assertThat(Names.constant("tool-call")).isEqualTo("TOOL_CALL");
  }
}
