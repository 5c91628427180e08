package dev.parley.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.server.testing.RunningServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code parley agent} against a real daemon, with a model endpoint where nothing listens. */
class AgentCommandTest {
  /** A loopback port that was free a moment ago, and so refuses connections. */
  private static int deadPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void anUnreachableEndpointIsNamedAndThePersonaLogsOut() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      String endpoint = "http://127.0.0.1:" + deadPort() + "/v1";
      AtomicReference<Exception> failure = new AtomicReference<>();
      int code =
          new CommandLine(new AgentCommand())
              .setErr(new PrintWriter(new StringWriter()))
              .setExecutionExceptionHandler(
                  (e, commandLine, parseResult) -> {
                    failure.set(e);
                    return 1;
                  })
              .execute(
                  "--name",
                  "sage",
                  "--model",
                  "llama3.2",
                  "--room",
                  "salon",
                  "--server",
                  server.uri().toString(),
                  "--base-url",
                  endpoint,
                  "--retries",
                  "0");
      assertThat(code).isEqualTo(1);
      assertThat(failure.get())
          .hasMessageContaining(
              "nothing answers at " + endpoint + "/chat/completions (connection refused)");
      // The persona left on its error: the name is free again at once.
      assertThat(
              server
                  .client()
                  .call("login", java.util.Map.of("username", "sage", "room", "salon"))
                  .path("session")
                  .asText())
          .isNotEmpty();
    }
  }
}
