package dev.parley.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.ServerConfig;
import dev.parley.server.testing.ChildDaemon;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon in a child JVM is killed with SIGKILL while 4 clients push 1,000 messages in all. After
 * a restart every push that was answered is in the history exactly once, in order, and nothing else
 * is: the clients resume their sessions and retry the unanswered push with its txn_id, so an
 * ambiguous push is either replayed or sent, never doubled.
 */
@Tag("stress")
class CrashTest {
  private static final int CLIENTS = 4;
  private static final int PER_CLIENT = 250;
  private static final int KILL_AFTER = 300;

  @TempDir protected Path dataDir;

  private final AtomicReference<URI> server = new AtomicReference<>();
  private final CountDownLatch restarted = new CountDownLatch(1);
  private final AtomicInteger answered = new AtomicInteger();
  private final AtomicInteger recoveries = new AtomicInteger();
  private final CountDownLatch enoughAnswered = new CountDownLatch(1);

  /** message_id of every answered push, by text. */
  private final Map<String, String> acknowledged = new ConcurrentHashMap<>();

  @Test
  void everyAnsweredPushSurvivesSigkillExactlyOnce() throws Exception {
    Process child = startChild();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<String> tokens = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        tokens.add(client(null).login("c" + c, "crash").session());
      }
      List<Future<?>> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        String name = "c" + c;
        String token = tokens.get(c);
        clients.add(pool.submit(() -> push(name, token)));
      }

      assertThat(enoughAnswered.await(5, TimeUnit.MINUTES))
          .as("pushes answered before the kill")
          .isTrue();
      child.destroyForcibly();
      assertThat(child.waitFor(1, TimeUnit.MINUTES)).isTrue();
      assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);

      try (RunningServer restartedServer = RunningServer.start(restartConfig())) {
        server.set(restartedServer.uri());
        restarted.countDown();
        for (Future<?> f : clients) {
          f.get(5, TimeUnit.MINUTES);
        }
        // Every client was cut off mid-conversation and had to recover.
        assertThat(recoveries.get()).isEqualTo(CLIENTS);
        assertHistoryHoldsEveryPushOnce(restartedServer.client().withSession(tokens.get(0)));
      }
    } finally {
      child.destroyForcibly();
    }
  }

  /** The options of {@code parley serve} that say where the child keeps its data. */
  protected List<String> storeArgs() {
    return List.of("--data-dir", dataDir.toString());
  }

  /** Variables the child gets besides this process's environment. */
  protected Map<String, String> childEnvironment() {
    return Map.of();
  }

  /** The configuration of the daemon that takes over the child's data after the kill. */
  protected ServerConfig restartConfig() {
    return ServerConfig.ephemeral().withDataDir(dataDir);
  }

  /** One client: append then push with a txn_id, resuming after the crash. */
  private Void push(String name, String token) throws InterruptedException {
    boolean recovering = false;
    for (int i = 0; i < PER_CLIENT; ) {
      String text = name + "-" + i;
      try {
        RpcClient c = client(token);
        if (recovering) {
          JsonNode resumed =
              c.call("login", Map.of("username", name, "room", "crash", "resume", token));
          assertThat(resumed.get("resumed").asBoolean()).as("%s resumes", name).isTrue();
          recover(c, text);
          recoveries.incrementAndGet();
          recovering = false;
        } else {
          c.call("append", Map.of("text", text));
          acknowledge(text, c.call("push", Map.of("txn_id", text, "force", true)));
        }
        i++;
      } catch (UncheckedIOException e) {
        // The daemon died under this call: wait for it to come back, then find out what landed.
        assertThat(restarted.await(5, TimeUnit.MINUTES)).isTrue();
        recovering = true;
      }
    }
    return null;
  }

  /** After the crash: the draft and the txn_id tell whether the last push landed. */
  private void recover(RpcClient c, String text) {
    String draft = c.call("preview").get("draft").asText();
    if (draft.isEmpty()) {
      JsonNode replay = c.request("push", Map.of("txn_id", text, "force", true));
      if (replay.has("result")) {
        acknowledge(text, replay.get("result"));
        return;
      }
      assertThat(replay.get("error").get("code").asInt())
          .as("an unknown txn_id with no draft")
          .isEqualTo(40001);
      c.call("append", Map.of("text", text));
    } else {
      assertThat(draft).isEqualTo(text);
    }
    acknowledge(text, c.call("push", Map.of("txn_id", text, "force", true)));
  }

  private void acknowledge(String text, JsonNode result) {
    assertThat(result.get("status").asInt()).isEqualTo(1);
    String previous = acknowledged.putIfAbsent(text, result.get("message_id").asText());
    assertThat(previous)
        .as("%s answered twice with different ids", text)
        .isIn(null, result.get("message_id").asText());
    if (answered.incrementAndGet() == KILL_AFTER) {
      enoughAnswered.countDown();
    }
  }

  private void assertHistoryHoldsEveryPushOnce(RpcClient reader) {
    Map<String, String> chat = new LinkedHashMap<>();
    long after = 0;
    JsonNode page;
    do {
      page = reader.call("history", Map.of("after", after, "limit", 200));
      for (JsonNode m : page.get("messages")) {
        after = Long.parseLong(m.get("message_id").asText().substring(4));
        if ("chat".equals(m.get("kind").asText())) {
          String previous = chat.put(m.get("content").asText(), m.get("message_id").asText());
          assertThat(previous).as("%s stored twice", m.get("content").asText()).isNull();
        }
      }
    } while (page.get("has_more").asBoolean());

    assertThat(chat).hasSize(CLIENTS * PER_CLIENT);
    assertThat(chat).containsExactlyInAnyOrderEntriesOf(acknowledged);
    for (int c = 0; c < CLIENTS; c++) {
      String prefix = "c" + c + "-";
      List<String> own = chat.keySet().stream().filter(t -> t.startsWith(prefix)).toList();
      List<String> inOrder = new ArrayList<>();
      for (int i = 0; i < PER_CLIENT; i++) {
        inOrder.add(prefix + i);
      }
      assertThat(own).as("order of %s", prefix).containsExactlyElementsOf(inOrder);
    }
  }

  private RpcClient client(String token) {
    RpcClient anonymous = RpcClient.at(server.get());
    return token == null ? anonymous : anonymous.withSession(token);
  }

  /** Starts {@code parley serve} in a child JVM on a free port and waits until it listens. */
  private Process startChild() throws Exception {
    // Its clients are agents alone, pushing far past the loop guard.
    List<String> args = new java.util.ArrayList<>(storeArgs());
    args.addAll(List.of("--max-agent-run", "0"));
    ChildDaemon child = ChildDaemon.start(args, childEnvironment());
    server.set(child.uri());
    return child.process();
  }
}
