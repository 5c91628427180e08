package dev.parley.extension;

import org.eclipse.jetty.server.Handler;

/**
 * A door into the daemon that lives in another module, such as the viewer (its page and {@code
 * /observe}) or the MCP bridge's {@code /mcp}. The daemon finds every implementation on its
 * classpath with {@link java.util.ServiceLoader} (declared in {@code
 * META-INF/services/dev.parley.extension.Extension}) and mounts its handler at its path, so that
 * the server module depends on none of them. The daemon's origin policy ({@link Origins}) stands in
 * front of it as in front of every door: a request that reaches the handler has passed the {@code
 * Host} and {@code Origin} checks.
 *
 * <p>{@link java.util.ServiceLoader} makes a new instance for each daemon, so an instance may keep
 * what it builds in {@link #handler} for that daemon.
 */
public interface Extension {

  /** A short name for the daemon's logs, such as {@code mcp}. */
  String name();

  /**
   * The path it serves, as a servlet path spec such as {@code /mcp}; or {@code /}: every request no
   * other door's path matches, as it came (the handler declines one by returning false, and the
   * daemon answers 404 when none takes it).
   */
  String path();

  /**
   * The handler to mount at {@link #path()}, started and stopped with the daemon. Called once,
   * before the daemon publishes any room event: this is where an extension {@linkplain
   * ExtensionContext#subscribe subscribes} to them.
   *
   * @param context what the daemon gives its extensions
   * @return the handler
   */
  Handler handler(ExtensionContext context);
}
