package dev.parley.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay in front of a daemon that the test can make unreliable: the daemon behind it can be
 * swapped (a restart on another port) or absent, and the daemon's answer on the next connection can
 * be lost after the daemon has acted on the call. That is what a network cut or a crash looks like
 * to a client, made to happen at an exact call.
 */
final class FlakyRelay implements AutoCloseable {
  private final ServerSocket listener;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean cutNext = new AtomicBoolean();
  private final AtomicInteger cuts = new AtomicInteger();
  private final Semaphore refused = new Semaphore(0);
  private volatile URI daemon;

  /** Set for each connection relayed now: set to true, it goes quiet. */
  private final Set<AtomicBoolean> flowing = ConcurrentHashMap.newKeySet();

  FlakyRelay(URI daemon) throws IOException {
    this.daemon = daemon;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptAll, "relay-accept");
    accept.setDaemon(true);
    accept.start();
  }

  /** Where clients connect. */
  URI uri() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  /** Relays new connections to {@code next} from now on. */
  void daemon(URI next) {
    this.daemon = next;
  }

  /** The next connection's call reaches the daemon, but its answer never comes back. */
  void cutNextAnswer() {
    cutNext.set(true);
  }

  /** How many answers were lost so far. */
  int cuts() {
    return cuts.get();
  }

  /** Waits until a client found no daemon behind the relay; false after {@code seconds}. */
  boolean awaitRefused(long seconds) throws InterruptedException {
    return refused.tryAcquire(seconds, TimeUnit.SECONDS);
  }

  private void acceptAll() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        open.add(client);
        Thread t = new Thread(() -> relay(client), "relay");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /**
   * The connections relayed now go quiet: their bytes are dropped both ways while both ends stay
   * connected, as over a network that broke without a word. New connections are relayed as usual.
   */
  void stallOpen() {
    flowing.forEach(quiet -> quiet.set(true));
  }

  private void relay(Socket client) {
    // Decided per connection: the client opens one for each call (urllib sends Connection: close).
    boolean cut = cutNext.getAndSet(false);
    AtomicBoolean quiet = new AtomicBoolean();
    flowing.add(quiet);
    URI to = daemon;
    try (client;
        Socket server = new Socket(to.getHost(), to.getPort())) {
      open.add(server);
      Thread up = new Thread(() -> copy(client, server, quiet), "relay-up");
      up.setDaemon(true);
      up.start();
      if (cut) {
        // Let the daemon answer in full (so the call surely took effect), then drop the answer.
        server.getInputStream().transferTo(OutputStream.nullOutputStream());
        cuts.incrementAndGet();
      } else {
        pipe(server.getInputStream(), client.getOutputStream(), quiet);
      }
      open.remove(server);
    } catch (java.net.ConnectException e) {
      // No daemon listening: the client sees its connection closed without an answer.
      refused.release();
    } catch (IOException e) {
      // One side went away: closing the other says so.
    } finally {
      open.remove(client);
      flowing.remove(quiet);
    }
  }

  /** Copies {@code in} to {@code out} until the end, dropping what comes while {@code quiet}. */
  private static void pipe(InputStream in, OutputStream out, AtomicBoolean quiet)
      throws IOException {
    byte[] buffer = new byte[8192];
    for (int n; (n = in.read(buffer)) >= 0; ) {
      if (!quiet.get()) {
        out.write(buffer, 0, n);
        out.flush();
      }
    }
  }

  private static void copy(Socket from, Socket to, AtomicBoolean quiet) {
    try {
      // Not closed here: closing a socket's stream closes the socket, and the answer may still be
      // on its way.
      pipe(from.getInputStream(), to.getOutputStream(), quiet);
      to.shutdownOutput();
    } catch (IOException e) {
      // The other direction ends the relay.
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : open) {
      s.close();
    }
  }
}
