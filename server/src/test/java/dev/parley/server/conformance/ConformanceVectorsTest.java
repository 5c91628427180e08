package dev.parley.server.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.testing.Daemon;
import dev.parley.spec.SpecDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The conformance vectors of {@code spec/conformance} pass against our daemon, and cover it. */
class ConformanceVectorsTest {
  /**
   * The codes no vector can provoke from an arbitrary server: -32603 is a server fault, 40013 needs
   * a daemon with access control (AccessControlTest covers it).
   */
  private static final Set<Integer> NOT_PROVOKABLE = Set.of(-32603, 40013);

  @RegisterExtension static final Daemon server = Daemon.withDefaults();

  private static final List<Scenario> VECTORS = ConformanceVectors.packaged();

  @Test
  void everyScenarioPassesInOrderAgainstOneDaemon() {
    ConformanceRunner runner = new ConformanceRunner(server.uri());
    List<ConformanceRunner.ScenarioResult> results = new ArrayList<>();
    for (Scenario scenario : VECTORS) {
      results.add(runner.run(scenario));
    }
    assertThat(results)
        .allSatisfy(r -> assertThat(r.failure()).as(r.scenario()).isNull())
        .hasSize(13);
  }

  @Test
  void theVectorsCallEveryMethodAndProvokeEveryErrorCode() {
    Set<String> called = new TreeSet<>();
    Set<Integer> provoked = new TreeSet<>();
    for (Scenario scenario : VECTORS) {
      for (JsonNode step : scenario.steps()) {
        if (step.has("call")) {
          called.add(step.get("call").asText());
        }
        JsonNode code = step.path("expect").path("error").path("code");
        if (code.isInt()) {
          provoked.add(code.asInt());
        }
      }
    }
    Set<String> methods = new TreeSet<>();
    SpecDocument.get().tree().path("methods").forEach(m -> methods.add(m.path("name").asText()));
    assertThat(called).containsAll(methods);
    Set<Integer> codes = new TreeSet<>();
    SpecDocument.get()
        .tree()
        .path("components")
        .path("errors")
        .forEach(e -> codes.add(e.path("code").asInt()));
    codes.removeAll(NOT_PROVOKABLE);
    assertThat(provoked).containsAll(codes);
  }
}
