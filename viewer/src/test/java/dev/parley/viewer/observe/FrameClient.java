package dev.parley.viewer.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * A Java WebSocket observer for tests: connects to /observe and collects the frames it receives.
 */
public final class FrameClient implements Session.Listener.AutoDemanding, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final WebSocketClient client = new WebSocketClient();
  private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
  private volatile Session session;
  private final java.util.concurrent.CompletableFuture<Integer> closed =
      new java.util.concurrent.CompletableFuture<>();

  private FrameClient() {}

  /** Connects to {@code base}'s observer socket, for {@code room} (null: every room). */
  public static FrameClient connect(URI base, String room) throws Exception {
    return connect(base, room == null ? "" : "?room=" + room, null);
  }

  /**
   * Connects to {@code base}'s observer socket with {@code query} (such as {@code ?room=r}, or
   * empty) and, unless null, {@code Authorization: Bearer <bearer>}.
   */
  public static FrameClient connect(URI base, String query, String bearer) throws Exception {
    FrameClient c = new FrameClient();
    c.client.start();
    URI ws =
        URI.create("ws://" + base.getHost() + ":" + base.getPort() + ViewerRoutes.OBSERVE + query);
    ClientUpgradeRequest upgrade = new ClientUpgradeRequest(ws);
    if (bearer != null) {
      upgrade.setHeader("Authorization", "Bearer " + bearer);
    }
    try {
      c.client.connect(c, upgrade).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      c.client.stop();
      throw e;
    }
    return c;
  }

  @Override
  public void onWebSocketOpen(Session s) {
    this.session = s;
  }

  @Override
  public void onWebSocketText(String text) {
    try {
      frames.add(JSON.readTree(text));
    } catch (IOException e) {
      throw new AssertionError("an observer frame is not JSON: " + text, e);
    }
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason, Callback callback) {
    closed.complete(statusCode);
    callback.succeed();
  }

  /** The close code the server sent, waiting at most {@code timeout} for the socket to close. */
  public int closeCode(Duration timeout) throws Exception {
    return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Sends a text frame, such as a ping. */
  public void send(String text) {
    session.sendText(text, Callback.NOOP);
  }

  /** The next frame, waiting at most {@code timeout}; fails when none comes. */
  public JsonNode next(Duration timeout) throws InterruptedException {
    JsonNode frame = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (frame == null) {
      throw new AssertionError("no frame within " + timeout);
    }
    return frame;
  }

  /**
   * Frames up to and including the first that matches, waiting at most {@code timeout} for each.
   */
  public List<JsonNode> until(Predicate<JsonNode> last, Duration timeout)
      throws InterruptedException {
    List<JsonNode> seen = new ArrayList<>();
    while (true) {
      JsonNode frame = next(timeout);
      seen.add(frame);
      if (last.test(frame)) {
        return seen;
      }
    }
  }

  @Override
  public void close() throws Exception {
    client.stop();
  }
}
