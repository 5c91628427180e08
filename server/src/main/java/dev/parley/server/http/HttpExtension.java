package dev.parley.server.http;

import dev.parley.server.auth.AccessKeys;
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

  /**
   * The handler to mount at {@link #path()} on a daemon that may run with access control. An
   * extension that lets callers act must override it and refuse a request without a valid key
   * when {@code access} is not null; the default ignores it.
   *
   * @param daemon as in {@link #handler(Supplier)}
   * @param access the daemon's keys, or null when it runs without access control
   * @return the handler
   */
  default Handler handler(Supplier<URI> daemon, AccessKeys access) {
    return handler(daemon);
  }
}
