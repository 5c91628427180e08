package dev.parley.server.testing;

import dev.parley.server.ParleyServer;
import dev.parley.server.ServerConfig;
import dev.parley.server.ServerLimits;
import dev.parley.server.store.MemoryStore;
import java.net.URI;

/** A real daemon on an ephemeral loopback port, for one test class or one test. */
public final class RunningServer implements AutoCloseable {
  private final ParleyServer server;

  private RunningServer(ServerConfig config) throws Exception {
    this.server = new ParleyServer(config, new MemoryStore()).start();
  }

  /** Starts a daemon with the default limits. */
  public static RunningServer start() throws Exception {
    return new RunningServer(ServerConfig.ephemeral());
  }

  /** Starts a daemon with {@code limits}. */
  public static RunningServer start(ServerLimits limits) throws Exception {
    return new RunningServer(ServerConfig.ephemeral().withLimits(limits));
  }

  /** Starts a daemon with {@code config}. */
  public static RunningServer start(ServerConfig config) throws Exception {
    return new RunningServer(config);
  }

  /** The base address. */
  public URI uri() {
    return server.uri();
  }

  /** A client without a session. */
  public RpcClient client() {
    return new RpcClient(uri().resolve("/rpc"), null);
  }

  /** Logs {@code username} into {@code room} and returns its client. */
  public RpcClient login(String username, String room) {
    return client().login(username, room);
  }

  /** Logs {@code username} into the lobby. */
  public RpcClient login(String username) {
    return login(username, "lobby");
  }

  @Override
  public void close() throws Exception {
    server.close();
  }
}
