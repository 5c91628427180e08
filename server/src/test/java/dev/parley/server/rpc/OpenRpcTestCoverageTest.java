package dev.parley.server.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.server.testing.Daemon;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenRPC project's own {@code @open-rpc/test-coverage}, as published and with its stock rules,
 * passes every method against a fresh daemon ({@code spec/coverage/coverage.js}, installed from the
 * npm registry by this module's build): the document's examples are real calls.
 */
class OpenRpcTestCoverageTest {
  private static final Path SCRIPT = Path.of("../spec/coverage/coverage.js");
  private static final long BOUND_SECONDS = 180;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A fresh daemon for each test: the examples run in order against a fresh room. */
  @RegisterExtension final Daemon server = Daemon.withDefaults();

  @TempDir Path dir;

  @Test
  void everyMethodPassesWithTheStockRules() throws Exception {
    Run run = coverage();
    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output()).contains("Call Failed:  0").contains("22 of 22 methods covered");
  }

  /** Listed by name only, push's "sent" example was paired by position with force: -32602. */
  @Test
  void anExampleWhoseParamsArePairedWrongByPositionFailsReadably() throws Exception {
    ObjectNode doc =
        (ObjectNode) JSON.readTree(Files.readAllBytes(Path.of("../spec/openrpc.json")));
    for (JsonNode method : doc.withArray("methods")) {
      if ("push".equals(method.path("name").asText())) {
        ArrayNode params = (ArrayNode) method.path("examples").path(0).path("params");
        params.remove(0); // leaves txn_id first, where force is declared
      }
    }
    Path broken = dir.resolve("broken.json");
    JSON.writeValue(broken.toFile(), doc);

    Run run = coverage("--spec", broken.toString());
    assertThat(run.exit()).as(run.output()).isEqualTo(1);
    assertThat(run.output())
        .contains("FAILED push")
        .contains("-32602")
        .contains("/force")
        .contains("22 of 23 calls passed")
        .doesNotContain("FAILED login");
  }

  private Run coverage(String... extra) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("node", SCRIPT.toString()));
    command.add(server.uri().toString());
    command.addAll(List.of(extra));
    command.add("--no-color");
    Path log = dir.resolve("coverage.log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(BOUND_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "test-coverage did not finish in "
              + BOUND_SECONDS
              + " s:\n"
              + Files.readString(log, StandardCharsets.UTF_8));
    }
    return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  private record Run(int exit, String output) {}
}
