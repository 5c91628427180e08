package dev.parley.server.http;

import java.net.URI;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Handler;

/**
 * A door into the daemon that lives in another module, such as the MCP bridge's {@code /mcp}.
 * The daemon finds every implementation on its classpath with {@link java.util.ServiceLoader}
 * (declared in {@code META-INF/services/dev.parley.server.http.HttpExtension}) and mounts its
 * handler at its path, so that the server module depends on none of them. The daemon's origin
 * policy ({@code Origins}) stands in front of it as in front of every door: a request that
 * reaches the handler has passed the {@code Host} and {@code Origin} checks.
 */
public interface HttpExtension {

  /** A short name for the daemon's index and logs, such as {@code mcp}. */
  String name();

  /** The path it serves, such as {@code /mcp}. */
  String path();

  /**
   * The handler to mount at {@link #path()}. It is started and stopped with the daemon.
   *
   * @param daemon the daemon's own base address, such as {@code http://127.0.0.1:8890}; known
   *     only once the daemon listens (its port may be chosen then), so ask for it on use
   * @return the handler
   */
  Handler handler(Supplier<URI> daemon);
}
