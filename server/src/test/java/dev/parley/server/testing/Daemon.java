package dev.parley.server.testing;

import dev.parley.server.ServerConfig;
import dev.parley.server.ServerLimits;
import java.net.URI;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A running daemon for a test class, as a JUnit extension: in a {@code static} field annotated with
 * {@code @RegisterExtension} one daemon serves every test of the class; in an instance field each
 * test gets a fresh one. It is a {@link RunningServer} (a real daemon on an ephemeral loopback
 * port, data in a fresh SQLite directory), started before and closed after.
 *
 * <pre>{@code
 * @RegisterExtension static final Daemon server = Daemon.withDefaults();
 * }</pre>
 */
public final class Daemon
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  private final Callable<RunningServer> starter;
  private RunningServer server;
  private boolean perTest;

  private Daemon(Callable<RunningServer> starter) {
    this.starter = starter;
  }

  /** A daemon with the default configuration. */
  public static Daemon withDefaults() {
    return new Daemon(RunningServer::start);
  }

  /**
   * A daemon with the default configuration but the loop guard ({@link RunningServer#agentsOnly}).
   */
  public static Daemon agentsOnly() {
    return new Daemon(RunningServer::agentsOnly);
  }

  /** A daemon with {@code limits}. */
  public static Daemon with(ServerLimits limits) {
    return new Daemon(() -> RunningServer.start(limits));
  }

  /** A daemon with {@code config}. */
  public static Daemon with(ServerConfig config) {
    return new Daemon(() -> RunningServer.start(config));
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    server = starter.call();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    close();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    // A static field was started before all tests; an instance field starts here, for this one.
    if (server == null) {
      server = starter.call();
      perTest = true;
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (perTest) {
      close();
    }
  }

  private void close() throws Exception {
    if (server != null) {
      try {
        server.close();
      } finally {
        server = null;
      }
    }
  }

  /** The running daemon. */
  public RunningServer server() {
    if (server == null) {
      throw new IllegalStateException("the daemon runs only while the tests do");
    }
    return server;
  }

  /** The daemon's base address. */
  public URI uri() {
    return server().uri();
  }

  /** A client without a session. */
  public RpcClient client() {
    return server().client();
  }

  /** Logs {@code username} into {@code room} and returns its client. */
  public RpcClient login(String username, String room) {
    return server().login(username, room);
  }

  /** Logs {@code username} into the lobby. */
  public RpcClient login(String username) {
    return server().login(username);
  }
}
