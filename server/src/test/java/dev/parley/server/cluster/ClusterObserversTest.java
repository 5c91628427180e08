package dev.parley.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.api.NoDraftException;
import dev.parley.api.PushResult;
import dev.parley.extension.Extension;
import dev.parley.extension.ExtensionContext;
import dev.parley.extension.events.RoomEvent;
import dev.parley.server.ParleyServer;
import dev.parley.server.ServerConfig;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An extension on one daemon (the viewer, say) hears the events of the rooms another daemon of the
 * same database serves, typed as the serving daemon made them, through LISTEN/NOTIFY.
 */
class ClusterObserversTest {
  @RegisterExtension final TestDatabase postgres = new TestDatabase();

  /** Records every room event its daemon hands to extensions. */
  static final class Recorder implements Extension {
    final List<RoomEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "recorder";
    }

    @Override
    public String path() {
      return "/recorder";
    }

    @Override
    public Handler handler(ExtensionContext context) {
      context.subscribe(events::add);
      return new Handler.Abstract() {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
          return false;
        }
      };
    }
  }

  @Test
  void anExtensionOnOneDaemonHearsTheRoomsTheOtherServes() throws Exception {
    ServerConfig config = ServerConfig.ephemeral().withDatabase(postgres.database());
    Recorder onB = new Recorder();
    try (ParleyServer a = new ParleyServer(config, null, List.of(new Recorder())).start();
        ParleyServer b = new ParleyServer(config, null, List.of(onB)).start()) {
      RpcClient alice = RpcClient.at(a.uri()).login("alice", "seen");
      // Larger than a NOTIFY's payload once encoded: it goes through cluster_events.
      for (int i = 0; i < 5; i++) {
        alice.call("append", Map.of("text", "é".repeat(1000)));
      }
      alice.call("push");
      String sent =
          alice.call("history", Map.of("limit", 10)).get("messages").get(1).get("content").asText();
      assertThat(sent.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isGreaterThan(8000);
      alice.error("push", Map.of(), NoDraftException.CODE);

      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  onB.events.stream()
                      .anyMatch(
                          e ->
                              e instanceof RoomEvent.ActionEnded ended
                                  && ended.error() instanceof NoDraftException));
      assertThat(onB.events)
          .filteredOn(RoomEvent.MessageAppended.class::isInstance)
          .map(e -> ((RoomEvent.MessageAppended) e).message().content())
          .as("messages heard on b")
          .hasSize(2)
          .containsExactly("alice has joined", sent);
      assertThat(onB.events)
          .filteredOn(RoomEvent.ActionEnded.class::isInstance)
          .map(e -> ((RoomEvent.ActionEnded) e).result())
          .anySatisfy(
              r ->
                  assertThat(r)
                      .isInstanceOfSatisfying(
                          PushResult.class, p -> assertThat(p.status()).isEqualTo(1)));
      assertThat(onB.events).allSatisfy(e -> assertThat(e.room()).isEqualTo("seen"));
    }
  }
}
