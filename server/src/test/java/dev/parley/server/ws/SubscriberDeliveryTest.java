package dev.parley.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.ServerLimits;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import dev.parley.server.testing.SocketClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The delivery rule across notifications and answers: a subscribed socket that keeps calling while
 * 20 participants push at once receives every chat message of the others exactly once, in the log's
 * order, whichever of the two carried it.
 */
class SubscriberDeliveryTest {
  private static final int PUSHERS = 20;
  private static final int MESSAGES = 25;
  private static final String ROOM = "pushed-at";

  @Test
  void everyMessageComesOnceInOrderAcrossNotificationsAndAnswers() throws Exception {
    ServerLimits noRateLimit =
        ServerLimits.defaults().withRate(0, ServerLimits.defaults().rateBurst());
    try (RunningServer server =
            RunningServer.start(
                dev.parley.server.ServerConfig.ephemeral()
                    .withLimits(noRateLimit)
                    .withRoomDefaults(RunningServer.AGENTS_ONLY));
        SocketClient reader = SocketClient.open(server.uri());
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      reader.login("reader", ROOM, true);
      List<RpcClient> pushers = new ArrayList<>();
      for (int i = 0; i < PUSHERS; i++) {
        pushers.add(server.login("p" + i, ROOM));
      }
      List<Future<?>> running = new ArrayList<>();
      for (RpcClient p : pushers) {
        running.add(
            threads.submit(
                () -> {
                  for (int m = 0; m < MESSAGES; m++) {
                    p.call("append", Map.of("text", p.username() + " #" + m));
                    assertThat(p.call("push", Map.of("force", true)).get("status").asInt())
                        .isEqualTo(1);
                  }
                }));
      }
      // The reader keeps calling meanwhile, so that answers deliver some of the messages.
      int calls = 0;
      while (running.stream().anyMatch(f -> !f.isDone())) {
        reader.call(calls++ % 2 == 0 ? "participants" : "preview");
      }
      for (Future<?> f : running) {
        f.get(60, TimeUnit.SECONDS);
      }
      List<String> log = chatIds(server.client().withSession(reader.session()));
      assertThat(log).hasSize(PUSHERS * MESSAGES);
      // Everything is stored: the rest comes as notifications (or with one more answer).
      while (delivered(reader).size() < log.size()) {
        reader.nextNotification();
      }
      reader.call("participants");
      assertThat(delivered(reader)).containsExactlyElementsOf(log);
      assertThat(calls).isPositive();
    }
  }

  /** The chat message ids the reader was handed, by notification or answer, in the order seen. */
  private static List<String> delivered(SocketClient reader) {
    List<String> out = new ArrayList<>();
    for (JsonNode frame : reader.framesTaken()) {
      JsonNode messages =
          frame.has("method") ? frame.at("/params/messages") : frame.at("/result/messages");
      for (JsonNode m : messages) {
        if (m.get("kind").asText().equals("chat")) {
          out.add(m.get("message_id").asText());
        }
      }
    }
    return out;
  }

  private static List<String> chatIds(RpcClient reader) {
    List<String> out = new ArrayList<>();
    long after = 0;
    while (true) {
      JsonNode page = reader.call("history", Map.of("after", after, "limit", 200));
      if (page.get("messages").isEmpty()) {
        return out;
      }
      for (JsonNode m : page.get("messages")) {
        after = m.get("seq").asLong();
        if (m.get("kind").asText().equals("chat")) {
          out.add(m.get("message_id").asText());
        }
      }
    }
  }
}
