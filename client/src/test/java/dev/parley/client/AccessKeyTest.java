package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.api.AccessDeniedException;
import dev.parley.server.ParleyServer;
import dev.parley.server.ServerConfig;
import dev.parley.server.auth.AccessKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java and the Python client on a daemon with access control: the key admits them, its absence
 * does not.
 */
class AccessKeyTest {
  private static final Duration RETRY = Duration.ofSeconds(2);

  @TempDir Path dir;

  @Test
  void theClientsLogInWithTheirKeyAndAreRefusedWithout() throws Exception {
    Path keys = dir.resolve("keys.json");
    String ada = AccessKeys.add(keys, "ada", List.of("keyed"), false, false);
    String claude = AccessKeys.add(keys, "claude", List.of("keyed"), false, false);
    try (ParleyServer server =
        new ParleyServer(
                ServerConfig.ephemeral().withDataDir(dir.resolve("data")), AccessKeys.open(keys))
            .start()) {
      assertThatThrownBy(() -> new AsyncChatRoom(server.uri(), "ada", "keyed", RETRY))
          .isInstanceOf(AccessDeniedException.class);
      assertThatThrownBy(() -> new AsyncChatRoom(server.uri(), "ada", "keyed", RETRY, null, claude))
          .isInstanceOf(AccessDeniedException.class);
      try (AsyncChatRoom room = new AsyncChatRoom(server.uri(), "ada", "keyed", RETRY, null, ada);
          PythonScript python =
              PythonScript.run(
                  "keyed.py",
                  server.uri(),
                  "claude",
                  Map.of("PARLEY_KEY", claude, "PARLEY_ROOM", "keyed"))) {
        assertThat(python.until("joined")).isEmpty();
        assertThat(python.until("pushed")).isEmpty();
        assertThat(room.check(Duration.ofSeconds(30))).contains("claude: keyed hello");
      }
    }
  }
}
