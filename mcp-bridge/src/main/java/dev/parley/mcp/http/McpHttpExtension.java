package dev.parley.mcp.http;

import dev.parley.extension.AccessCheck;
import dev.parley.extension.Extension;
import dev.parley.extension.ExtensionContext;
import dev.parley.mcp.BridgeOptions;
import dev.parley.mcp.McpBridge;
import dev.parley.mcp.guard.ServerRequests;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Handler;

/**
 * The bridge over Streamable HTTP, mounted in the daemon at {@code /mcp} (found by the daemon
 * through {@link java.util.ServiceLoader}). Each MCP session gets its own Parley session; the
 * bridge reaches the daemon like any client, through the generated client over loopback HTTP to the
 * daemon's own {@code /rpc}, so no rule of the protocol is bypassed.
 */
public final class McpHttpExtension implements Extension {
  /** The path of the MCP endpoint. */
  public static final String PATH = "/mcp";

  /** Below Jetty's idle timeout, so that an open event stream is not cut as idle. */
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(25);

  /** Used by {@link java.util.ServiceLoader}. */
  public McpHttpExtension() {}

  @Override
  public String name() {
    return "mcp";
  }

  @Override
  public String path() {
    return PATH;
  }

  @Override
  public Handler handler(ExtensionContext context) {
    return new McpHandler(context::uri, context.access());
  }

  /**
   * The SDK's servlet in a servlet context behind the {@link McpGuardFilter}, built when the daemon
   * starts (its address is known then) and closed with it. An MCP session's end ({@code DELETE})
   * logs its Parley session out.
   */
  private static final class McpHandler extends Handler.Wrapper {
    private final Supplier<URI> daemon;
    private final AccessCheck access;
    private McpBridge bridge;
    private McpAsyncServer server;

    McpHandler(Supplier<URI> daemon, AccessCheck access) {
      this.daemon = daemon;
      this.access = access;
    }

    @Override
    protected void doStart() throws Exception {
      bridge = new McpBridge(BridgeOptions.fromEnvironment(daemon.get(), System.getenv()));
      HttpServletStreamableServerTransportProvider transport =
          HttpServletStreamableServerTransportProvider.builder()
              .jsonMapper(McpBridge.jsonMapper())
              .mcpEndpoint(PATH)
              .keepAliveInterval(KEEP_ALIVE)
              // The request's access key reaches the tools, for login; the guard has checked it.
              .contextExtractor(
                  request -> {
                    String key = McpGuardFilter.bearer(request);
                    return key == null
                        ? McpTransportContext.EMPTY
                        : McpTransportContext.create(Map.of(McpBridge.KEY_CONTEXT, key));
                  })
              // Host and Origin are checked by the daemon's origin policy, in front of every door.
              .build();
      server = bridge.serve(transport);
      ServletContextHandler context = new ServletContextHandler();
      context.setContextPath("/");
      ServletHolder servlet = new ServletHolder("mcp", transport);
      servlet.setAsyncSupported(true);
      context.addServlet(servlet, PATH);
      // An ended session (DELETE, or one the SDK no longer knows) logs its Parley session out.
      FilterHolder guard =
          new FilterHolder(new McpGuardFilter(new ServerRequests(), bridge::endSession, access));
      guard.setAsyncSupported(true);
      context.addFilter(guard, PATH, EnumSet.of(DispatcherType.REQUEST));
      setHandler(context);
      super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
      try {
        if (server != null) {
          server.closeGracefully().block(Duration.ofSeconds(5));
        }
      } catch (RuntimeException e) {
        // Stopping goes on: the daemon is shutting down anyway.
      } finally {
        if (bridge != null) {
          bridge.close();
        }
        super.doStop();
      }
    }
  }
}
