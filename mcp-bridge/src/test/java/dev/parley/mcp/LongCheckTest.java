package dev.parley.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.server.testing.RunningServer;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A check through MCP stays under the cap and, when asked, reports progress while it waits. */
class LongCheckTest {

  @Test
  void aLongCheckIsCappedAndSendsProgressToTheClientsToken() throws Exception {
    List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
    try (RunningServer server = RunningServer.start();
        McpAgent agent =
            McpAgent.overStdio(
                server.uri(), progress::add, "--check-cap-ms", "1500", "--progress-ms", "200")) {
      agent.login("waiter", "quiet");

      long started = System.nanoTime();
      CallToolResult result =
          agent
              .client()
              .callTool(
                  McpSchema.CallToolRequest.builder("check")
                      .arguments(Map.of("timeout_ms", 600_000))
                      .progressToken("wait-1")
                      .build());
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertThat(result.isError()).isFalse();
      assertThat(McpAgent.text(result))
          .isEqualTo("[no new messages: check again to keep listening]");
      assertThat(took).isBetween(Duration.ofMillis(1400), Duration.ofSeconds(15));
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(progress).hasSizeGreaterThanOrEqualTo(3));
      assertThat(progress)
          .allSatisfy(
              p -> {
                assertThat(p.progressToken()).isEqualTo("wait-1");
                assertThat(p.total()).isEqualTo(1.5);
                assertThat(p.message()).startsWith("waiting for messages");
              });
      List<Double> steps = progress.stream().map(McpSchema.ProgressNotification::progress).toList();
      assertThat(steps).isSorted().doesNotHaveDuplicates();
    }
  }

  @Test
  void withoutAProgressTokenACheckSendsNoProgressAndReturnsOnAMessage() throws Exception {
    List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
    try (RunningServer server = RunningServer.start();
        McpAgent listener =
            McpAgent.overStdio(server.uri(), progress::add, "--progress-ms", "100");
        McpAgent speaker = McpAgent.overHttp(server.uri())) {
      listener.login("listener", "talk");
      speaker.login("speaker", "talk");
      listener.text("check", Map.of("timeout_ms", 0));

      Thread talk = Thread.ofVirtual().start(() -> speaker.say("hello @listener"));
      assertThat(listener.text("check", Map.of("timeout_ms", 30_000, "wake_on", "mention")))
          .isEqualTo("speaker: hello @listener");
      talk.join(Duration.ofSeconds(10));
      assertThat(progress).isEmpty();
    }
  }
}
