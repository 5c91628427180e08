package dev.parley.server.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.server.ParleyServer;
import dev.parley.server.ServerConfig;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import dev.parley.viewer.observe.FrameClient;
import dev.parley.viewer.replay.ReplayServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replay of the daemon's own log sends the frames the live room sent: the viewer cannot tell. */
class LiveReplayParityTest {
  private static final Duration BOUND = Duration.ofSeconds(30);

  @TempDir Path dataDir;

  private static boolean last(JsonNode frame) {
    return frame.path("parsed_content").path("content").asText().contains("the end");
  }

  @Test
  void replayedFramesEqualLiveFrames() throws Exception {
    List<JsonNode> live;
    try (RunningServer server = RunningServer.start(ServerConfig.ephemeral().withDataDir(dataDir));
        FrameClient observer = FrameClient.connect(server.uri(), "parity")) {
      observer.next(BOUND);
      RpcClient ada = server.login("ada", "parity");
      RpcClient bob = server.login("bob", "parity");
      ada.call("append", Map.of("text", "first draft"));
      bob.call("talking_stick");
      bob.call("append", Map.of("text", "bob speaks"));
      bob.call("push");
      ada.call("push");
      ada.call("undo");
      ada.call("append", Map.of("text", "the end"));
      ada.call("push");
      live = observer.until(LiveReplayParityTest::last, BOUND);
    }

    Path log = dataDir.resolve(ParleyServer.LOGS).resolve("parity.jsonl");
    CountDownLatch ready = new CountDownLatch(1);
    try (ReplayServer replay =
            new ReplayServer("127.0.0.1", 0, log, 1.0, d -> ready.await(30, TimeUnit.SECONDS))
                .start();
        FrameClient viewer = FrameClient.connect(replay.uri(), null)) {
      viewer.next(BOUND);
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  replay.play(false, Duration.ZERO);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      ready.countDown();
      List<JsonNode> replayed = viewer.until(LiveReplayParityTest::last, BOUND);
      assertThat(withoutStreamTime(replayed)).containsExactlyElementsOf(withoutStreamTime(live));
    }
  }

  private static List<JsonNode> withoutStreamTime(List<JsonNode> frames) {
    return frames.stream()
        .map(
            f -> {
              ObjectNode copy = f.deepCopy();
              copy.remove("stream_time");
              return (JsonNode) copy;
            })
        .toList();
  }
}
