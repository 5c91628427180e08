package dev.parley.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.server.testing.Daemon;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The model never sees a session token: the bridge holds it, and no tool result carries it. */
class TokenSecrecyTest {
  /** What a session token looks like (the spec's SessionToken). */
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{22,128}");

  @RegisterExtension static final Daemon server = Daemon.withDefaults();

  static List<org.junit.jupiter.params.provider.Arguments> transports() {
    return McpAgent.transports();
  }

  /** Every string value in a JSON value, at any depth. */
  private static List<String> strings(Object value) {
    List<String> out = new ArrayList<>();
    if (value == null) {
      return out;
    }
    switch (value) {
      case String text -> out.add(text);
      case Map<?, ?> map -> map.values().forEach(v -> out.addAll(strings(v)));
      case List<?> list -> list.forEach(v -> out.addAll(strings(v)));
      default -> {}
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transports")
  void loginGivesTheModelNoToken(String transport, Function<URI, McpAgent> connect) {
    try (McpAgent agent = connect.apply(server.uri())) {
      CallToolResult login =
          agent.call("login", Map.of("username", "quiet-" + transport, "room", "secrets"));
      assertThat(login.isError()).isFalse();
      assertThat(login.structuredContent()).isInstanceOf(Map.class);
      @SuppressWarnings("unchecked")
      Map<String, Object> structured = (Map<String, Object>) login.structuredContent();
      assertThat(structured).doesNotContainKey("session").containsKey("username");
      assertThat(strings(structured))
          .as("%s", structured)
          .noneMatch(v -> TOKEN.matcher(v).matches());
      assertThat(McpAgent.text(login).split("[^A-Za-z0-9_-]+"))
          .noneMatch(w -> TOKEN.matcher(w).matches());
      // The bridge still holds the session: session calls work.
      assertThat(agent.text("participants")).contains("quiet-" + transport);
    }
  }
}
