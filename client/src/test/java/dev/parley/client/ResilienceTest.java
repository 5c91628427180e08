package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.server.ServerConfig;
import dev.parley.server.testing.RunningServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AsyncChatRoom rides out a restarted server and a lost response, and stays usable from several
 * threads.
 */
class ResilienceTest {
  @TempDir Path dataDir;

  @Test
  void aServerRestartMidConversationLosesNoDraft() throws Exception {
    RunningServer first = RunningServer.start(ServerConfig.ephemeral().withDataDir(dataDir));
    URI url = first.uri();
    try (AsyncChatRoom alice = new AsyncChatRoom(url, "alice", "restart", Duration.ofMinutes(2));
        AsyncChatRoom bob = new AsyncChatRoom(url, "bob", "restart", Duration.ofMinutes(2))) {
      alice.check(Duration.ZERO);
      assertThat(alice.append("written before the restart, ")).isEmpty();
      first.close();

      // The daemon is down: this call retries with backoff until it comes back.
      CompletableFuture<String> during =
          CompletableFuture.supplyAsync(() -> alice.append("finished after it"));
      try (RunningServer second =
          RunningServer.start(
              ServerConfig.ephemeral().withDataDir(dataDir).withPort(url.getPort()))) {
        assertThat(second.uri()).isEqualTo(url);
        assertThat(during.get(2, TimeUnit.MINUTES)).isEmpty();
        assertThat(alice.preview())
            .isEqualTo("[draft: written before the restart, finished after it]");
        assertThat(alice.push()).isEmpty();
        assertThat(bob.check(Duration.ofSeconds(30)))
            .isEqualTo("alice: written before the restart, finished after it");
      }
    }
  }

  @Test
  void aPushWhoseResponseIsLostIsRetriedAndSentOnce() throws Exception {
    try (RunningServer server = RunningServer.start();
        CuttingProxy proxy = new CuttingProxy(server.uri())) {
      try (AsyncChatRoom alice =
              new AsyncChatRoom(proxy.uri(), "alice", "lost", Duration.ofMinutes(2));
          AsyncChatRoom bob = new AsyncChatRoom(server.uri(), "bob", "lost")) {
        alice.check(Duration.ZERO);
        alice.append("exactly once");
        proxy.cutNext("push");
        assertThat(alice.push()).isEmpty();
        assertThat(proxy.cuts()).as("the first push's answer was cut off").isEqualTo(1);
        assertThat(proxy.calls("push")).as("the push was sent again").isEqualTo(2);
        assertThat(bob.check(Duration.ofSeconds(30))).isEqualTo("alice: exactly once");
        assertThat(bob.check(Duration.ZERO)).isEmpty();
        assertThat(alice.preview()).isEqualTo("[the draft is empty]");
      }
    }
  }

  @Test
  void aCheckInOneThreadDoesNotBlockActionsInAnother() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      try (AsyncChatRoom alice = new AsyncChatRoom(server.uri(), "alice", "threads");
          AsyncChatRoom bob = new AsyncChatRoom(server.uri(), "bob", "threads")) {
        alice.check(Duration.ZERO);
        CompletableFuture<String> listening =
            CompletableFuture.supplyAsync(() -> alice.check(Duration.ofSeconds(60)));
        assertThat(alice.append("meanwhile, in another thread")).isEmpty();
        assertThat(alice.preview()).isEqualTo("[draft: meanwhile, in another thread]");
        bob.append("hi alice");
        bob.push();
        assertThat(listening.get(60, TimeUnit.SECONDS)).isEqualTo("bob: hi alice");
      }
    }
  }
}
