package dev.parley.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Concurrent writers on SQLite: no errors (no SQLITE_BUSY, no -32603), no gaps in the log. */
@Tag("stress")
class ConcurrentWritersTest {
  private static final int WRITERS = 20;
  private static final int PUSHES = 25;

  @Test
  void twentyWritersIntoOneRoom() throws Exception {
    try (RunningServer server = RunningServer.agentsOnly()) {
      List<RpcClient> writers = new ArrayList<>();
      for (int i = 0; i < WRITERS; i++) {
        writers.add(server.login("w" + i, "shared"));
      }
      runAll(writers);
      assertGapless(writers.get(0), "shared", WRITERS * PUSHES + WRITERS);
    }
  }

  @Test
  void twentyWritersIntoTwentyRooms() throws Exception {
    try (RunningServer server = RunningServer.agentsOnly()) {
      List<RpcClient> writers = new ArrayList<>();
      for (int i = 0; i < WRITERS; i++) {
        writers.add(server.login("w" + i, "room-" + i));
      }
      runAll(writers);
      for (int i = 0; i < WRITERS; i++) {
        assertGapless(writers.get(i), "room-" + i, PUSHES + 1);
      }
    }
  }

  private static void runAll(List<RpcClient> writers) throws Exception {
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> done = new ArrayList<>();
      for (RpcClient w : writers) {
        done.add(
            pool.submit(
                () -> {
                  for (int n = 0; n < PUSHES; n++) {
                    w.call("append", Map.of("text", w.username() + " #" + n));
                    // force: this test is about the store under concurrent writes, not
                    // interruption.
                    assertThat(w.call("push", Map.of("force", true)).get("status").asInt())
                        .isEqualTo(1);
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(5, TimeUnit.MINUTES);
      }
    }
  }

  /** The room's log holds {@code expected} messages numbered 1..expected, none missing. */
  private static void assertGapless(RpcClient reader, String room, int expected) {
    List<String> ids = new ArrayList<>();
    long after = 0;
    while (true) {
      JsonNode page = reader.call("history", Map.of("after", after, "limit", 200));
      for (JsonNode m : page.get("messages")) {
        ids.add(m.get("message_id").asText());
        assertThat(m.get("room").asText()).isEqualTo(room);
        after = Long.parseLong(m.get("message_id").asText().substring(4));
      }
      if (!page.get("has_more").asBoolean()) {
        break;
      }
    }
    List<String> gapless = new ArrayList<>();
    for (int i = 1; i <= expected; i++) {
      gapless.add("msg-" + i);
    }
    assertThat(ids).containsExactlyElementsOf(gapless);
  }
}
