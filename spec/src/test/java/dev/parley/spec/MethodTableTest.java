package dev.parley.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.googlecode.jsonrpc4j.JsonRpcMethod;
import com.googlecode.jsonrpc4j.JsonRpcParam;
import dev.parley.api.LogoutParams;
import dev.parley.api.ParleyApi;
import dev.parley.api.ParleyDispatcher;
import dev.parley.api.ParleyHandler;
import dev.parley.api.ParleyMethod;
import dev.parley.api.PushParams;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The generated method table, params records and dispatcher agree with the spec document. */
class MethodTableTest {
  private static final JsonNode DOC = SpecDocument.get().tree();
  private final ObjectMapper json = Json.mapper();

  @Test
  void everySpecMethodHasATableEntryInDocumentOrderAndNothingElse() {
    List<String> spec = new ArrayList<>();
    DOC.path("methods").forEach(m -> spec.add(m.path("name").asText()));
    assertThat(Arrays.stream(ParleyMethod.values()).map(ParleyMethod::wireName))
        .containsExactlyElementsOf(spec);
    for (JsonNode m : DOC.path("methods")) {
      String name = m.path("name").asText();
      ParleyMethod entry = ParleyMethod.byWireName(name).orElseThrow();
      assertThat(entry.wireName()).isEqualTo(name);
      assertThat(m.path("x-requires-session").isBoolean())
          .as("%s says x-requires-session", name)
          .isTrue();
      assertThat(entry.requiresSession())
          .as("session of %s", name)
          .isEqualTo(m.path("x-requires-session").booleanValue());
      assertThat(entry.summary()).isEqualTo(m.path("summary").asText());
      assertThat(entry.description()).isEqualTo(m.path("description").asText(""));
    }
  }

  @Test
  void lookupIsByTheExactWireName() {
    assertThat(ParleyMethod.byWireName("talking_stick")).contains(ParleyMethod.TALKING_STICK);
    for (String near :
        new String[] {
          "talkingStick", "TALKING_STICK", "Login", " login", "rpc.discover ", "", "toString"
        }) {
      assertThat(ParleyMethod.byWireName(near)).as(near).isEmpty();
    }
    assertThat(ParleyMethod.byWireName(null)).isEmpty();
  }

  @Test
  void paramsRecordPropertiesAreTheSpecsParamsInOrder() {
    for (ParleyMethod m : ParleyMethod.values()) {
      List<String> spec = new ArrayList<>();
      SpecDocument.get()
          .method(m.wireName())
          .path("params")
          .forEach(p -> spec.add(p.path("name").asText()));
      assertThat(m.paramsType().isRecord()).isTrue();
      List<String> properties =
          Arrays.stream(m.paramsType().getRecordComponents())
              .map(c -> c.getAccessor().getAnnotation(JsonProperty.class).value())
              .toList();
      assertThat(properties).as("params of %s", m.wireName()).containsExactlyElementsOf(spec);
    }
  }

  @Test
  void resultTypesAreThoseOfTheServiceInterface() {
    for (Method method : ParleyApi.class.getMethods()) {
      ParleyMethod entry =
          ParleyMethod.byWireName(method.getAnnotation(JsonRpcMethod.class).value()).orElseThrow();
      assertThat(entry.resultType()).as(entry.wireName()).isEqualTo(method.getReturnType());
    }
    assertThat(ApiMethods.resultType("push")).contains(ParleyMethod.PUSH.resultType());
    assertThat(ApiMethods.resultType("nope")).isEmpty();
  }

  @Test
  void paramsAreReadByWireNameAbsentOnesNullAndUndeclaredOnesRefused() throws Exception {
    Object push = ParleyMethod.PUSH.readParams(json, json.readTree("{\"txn_id\": \"t-1\"}"));
    assertThat(push).isEqualTo(new PushParams(null, "t-1"));
    // Absent params are left out when written, as a client sends them.
    assertThat(json.writeValueAsString(push)).isEqualTo("{\"txn_id\":\"t-1\"}");
    assertThat(json.writeValueAsString(new LogoutParams())).isEqualTo("{}");
    assertThatThrownBy(() -> ParleyMethod.PUSH.readParams(json, json.readTree("{\"forse\": true}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("forse");
  }

  @Test
  void dispatchCallsTheHandlerMethodOfTheEntryWithTheCallerAndParamsAsGiven() {
    AtomicReference<Method> called = new AtomicReference<>();
    AtomicReference<Object[]> args = new AtomicReference<>();
    @SuppressWarnings("unchecked")
    ParleyHandler<String> handler =
        (ParleyHandler<String>)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {ParleyHandler.class},
                (proxy, method, a) -> {
                  called.set(method);
                  args.set(a);
                  return null;
                });
    for (ParleyMethod m : ParleyMethod.values()) {
      Object params = m.readParams(json, json.createObjectNode());
      ParleyDispatcher.dispatch(handler, "the caller", m, params);
      // Each method has a params record of its own: the handler method taking it is the entry's.
      assertThat(called.get().getParameterTypes())
          .as(m.wireName())
          .containsExactly(Object.class, m.paramsType());
      assertThat(called.get().getReturnType()).as(m.wireName()).isEqualTo(m.resultType());
      assertThat(args.get()).containsExactly("the caller", params);
    }
  }

  @Test
  void invokeCallsTheServiceMethodOfTheWireNameWithEachParamInPlace() {
    AtomicReference<Method> called = new AtomicReference<>();
    AtomicReference<Object[]> args = new AtomicReference<>();
    ParleyApi api =
        (ParleyApi)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {ParleyApi.class},
                (proxy, method, a) -> {
                  called.set(method);
                  args.set(a == null ? new Object[0] : a);
                  return null;
                });
    for (ParleyMethod m : ParleyMethod.values()) {
      for (JsonNode example : SpecDocument.get().method(m.wireName()).path("examples")) {
        ObjectNode given = json.createObjectNode();
        example.path("params").forEach(p -> given.set(p.path("name").asText(), p.path("value")));
        Object params = m.readParams(json, given);
        ParleyDispatcher.invoke(api, m, params);
        assertThat(called.get().getAnnotation(JsonRpcMethod.class).value()).isEqualTo(m.wireName());
        List<String> names =
            Arrays.stream(called.get().getParameters())
                .map(p -> p.getAnnotation(JsonRpcParam.class).value())
                .toList();
        List<String> spec = new ArrayList<>();
        SpecDocument.get()
            .method(m.wireName())
            .path("params")
            .forEach(p -> spec.add(p.path("name").asText()));
        assertThat(names).as("params of %s", m.wireName()).containsExactlyElementsOf(spec);
        List<Object> values = new ArrayList<>();
        for (RecordComponent c : m.paramsType().getRecordComponents()) {
          values.add(read(c, params));
        }
        assertThat(Arrays.asList(args.get()))
            .as("%s example %s", m.wireName(), example.path("name"))
            .containsExactlyElementsOf(values);
      }
    }
  }

  @Test
  void paramsOfAnotherMethodAreRefusedBeforeAnyCall() {
    ParleyApi api =
        (ParleyApi)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {ParleyApi.class},
                (proxy, method, a) -> {
                  throw new AssertionError("called " + method.getName());
                });
    assertThatThrownBy(() -> ParleyDispatcher.invoke(api, ParleyMethod.PUSH, new LogoutParams()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("push takes PushParams, not LogoutParams");
    assertThatThrownBy(() -> ParleyDispatcher.invoke(api, ParleyMethod.LOGOUT, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("logout takes LogoutParams, not null");
  }

  private static Object read(RecordComponent c, Object record) {
    try {
      return c.getAccessor().invoke(record);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
