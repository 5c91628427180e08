package dev.parley.mcp;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.api.AccessDeniedException;
import dev.parley.api.InvalidParamsException;
import dev.parley.api.LoginResult;
import dev.parley.api.ParleyDispatcher;
import dev.parley.api.ParleyMethod;
import dev.parley.api.ParleyRpcException;
import dev.parley.api.PushHeldException;
import dev.parley.client.ChatText;
import dev.parley.client.ConnectionLostException;
import dev.parley.client.ParleyClient;
import dev.parley.mcp.guard.Incident;
import dev.parley.spec.Json;
import dev.parley.spec.SpecDocument;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.ProtocolVersions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The MCP side of Parley: one MCP tool per method of the generated method table ({@link SpecTool}),
 * each call made as exactly one JSON-RPC call through the generated client ({@link ParleyClient},
 * reached by {@link ParleyDispatcher#invoke}), its result given back as text an LLM reads well
 * ({@link ResultText}) and as the RPC result in {@code structuredContent}. Each MCP session has its
 * own Parley session. Serves over any transport of the MCP SDK: stdio ({@code parley mcp}) and
 * Streamable HTTP ({@code /mcp}).
 */
public final class McpBridge implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(McpBridge.class);

  /** The login param of the access key, which the bridge fills in itself. */
  private static final String KEY = "key";

  /** Where the HTTP transport puts the request's access key (its bearer token) for the tools. */
  public static final String KEY_CONTEXT = "parley.key";

  /** An MCP session unused this long is forgotten (its Parley session expired long before). */
  private static final Duration FORGET_AFTER = Duration.ofHours(1);

  private static final TypeRef<Map<String, Object>> MAP = new TypeRef<>() {};

  /**
   * The MCP versions this server speaks, oldest first, on both transports: the SDK's server
   * negotiates from its transport's list, and its own lists differ (its stdio transport adds
   * 2024-11-05, whose HTTP transport was HTTP+SSE, not Streamable HTTP). A client asking for
   * another version is offered the newest.
   */
  public static final List<String> PROTOCOL_VERSIONS =
      List.of(
          ProtocolVersions.MCP_2025_03_26,
          ProtocolVersions.MCP_2025_06_18,
          ProtocolVersions.MCP_2025_11_25);

  private final BridgeOptions options;
  private final ObjectMapper mapper =
      Json.mapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private final List<SpecTool> tools = SpecTool.fromSpec();
  private final Map<String, Participant> sessions = new ConcurrentHashMap<>();

  /** Every tool call runs on its own virtual thread: a pending check is a parked virtual thread. */
  private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();

  private final Scheduler scheduler = Schedulers.fromExecutorService(calls, "parley-mcp");
  private final SchemaValidator validator = new SchemaValidator();
  private final Map<String, Map<String, Object>> inputSchemas = new ConcurrentHashMap<>();

  /**
   * @param options the daemon to talk to and how
   */
  public McpBridge(BridgeOptions options) {
    this.options = options;
  }

  /** The tools, as the spec defines them. */
  public List<SpecTool> specTools() {
    return tools;
  }

  /** What the MCP server tells an agent about the protocol at initialization. */
  public String instructions() {
    long cap = options.checkCap().toSeconds();
    return String.join(
        "\n",
        "Parley is a chat room for agents and people. Every tool here is one call of its protocol.",
        "1. Call `login` with your username (and a room; default lobby). It shows the recent messages and who is there.",
        "2. Listen with `check`: it returns as soon as someone writes (or after at most "
            + cap
            + " s here; call it again to keep listening).",
        "3. Speak in steps: `append` text to your draft (once or many times), `preview` to read it, `push` to send it"
            + " as one message. `undo` drops the last append, `reset` the whole draft.",
        "4. Every result also brings the messages that arrived since your previous call, one `Sender: content` line"
            + " each. Read them: if a `push` says [not sent: ...], others wrote meanwhile and your draft was kept;"
            + " revise it (undo, reset, append) or push again.",
        "5. In a room whose floor is `stick`, only the holder of the talking stick may append and push: claim it"
            + " with `talking_stick` first. `participants` shows who is here and what each is doing; `logout` when"
            + " you leave.");
  }

  /** Builds and starts an MCP server with the tools on a single-session transport (stdio). */
  public McpAsyncServer serve(McpServerTransportProvider transport) {
    return configure(McpServer.async(new SingleSession(transport)));
  }

  /** Builds and starts an MCP server with the tools on a Streamable HTTP transport. */
  public McpAsyncServer serve(McpStreamableServerTransportProvider transport) {
    return configure(McpServer.async(new Streamable(transport)));
  }

  /** The JSON mapper the SDK uses here: Jackson 2, like the rest of Parley. */
  public static JacksonMcpJsonMapper jsonMapper() {
    return new JacksonMcpJsonMapper(Json.mapper());
  }

  private McpAsyncServer configure(McpServer.AsyncSpecification<?> spec) {
    return spec.serverInfo("parley", version())
        .instructions(instructions())
        .jsonMapper(jsonMapper())
        .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
        .jsonSchemaValidator(validator)
        // Arguments are validated here instead, so that the error names the tool and says what to
        // do.
        .validateToolInputs(false)
        .tools(toolSpecifications())
        .build();
  }

  /** One MCP tool per spec method, each handled on a virtual thread. */
  List<AsyncToolSpecification> toolSpecifications() {
    JacksonMcpJsonMapper json = jsonMapper();
    List<AsyncToolSpecification> specs = new ArrayList<>();
    for (SpecTool tool : tools) {
      inputSchemas.put(tool.name(), json.convertValue(tool.inputSchema(), MAP));
      McpSchema.Tool mcpTool =
          McpSchema.Tool.builder(tool.name(), inputSchemas.get(tool.name()))
              .description(
                  tool.method() == ParleyMethod.CHECK
                      ? tool.description()
                          + "\n\nThrough this MCP server a wait is capped at "
                          + options.checkCap().toMillis()
                          + " ms (a longer timeout_ms is cut), so that MCP clients do not give up on the call."
                      : tool.description())
              .outputSchema(json.convertValue(tool.outputSchema(), MAP))
              .build();
      specs.add(
          AsyncToolSpecification.builder()
              .tool(mcpTool)
              .callHandler(
                  (exchange, request) ->
                      Mono.fromCallable(() -> call(tool, exchange, request)).subscribeOn(scheduler))
              .build());
    }
    return specs;
  }

  /** One tool call: at most one RPC call. Never throws: every failure is an error result. */
  private CallToolResult call(
      SpecTool tool, McpAsyncServerExchange exchange, CallToolRequest request) {
    Participant me = participant(exchange.sessionId());
    if (tool.needsSession() && me.client.session() == null) {
      return error(
          "Not logged in: call the `login` tool first, with your username (and the room to join;"
              + " default lobby). Then call `"
              + tool.name()
              + "` again.");
    }
    Map<String, Object> arguments =
        new LinkedHashMap<>(request.arguments() == null ? Map.of() : request.arguments());
    List<String> invalid = validator.errors(inputSchemas.get(tool.name()), arguments);
    if (!invalid.isEmpty()) {
      return error(
          "Invalid arguments for `"
              + tool.name()
              + "`: "
              + String.join("; ", invalid)
              + ". See the tool's input schema.");
    }
    String key = key(exchange);
    me.client.key(key);
    if (tool.method() == ParleyMethod.LOGIN && key != null && !arguments.containsKey(KEY)) {
      arguments.put(KEY, key);
    }
    Duration wait = tool.method() == ParleyMethod.CHECK ? capCheck(arguments) : null;
    Object result;
    try {
      Object params = tool.method().readParams(mapper, mapper.valueToTree(arguments));
      Supplier<Object> rpc = () -> ParleyDispatcher.invoke(me.client.api(), tool.method(), params);
      result =
          request.progressToken() == null
              ? rpc.get()
              : withProgress(rpc, exchange, request.progressToken(), wait);
    } catch (ParleyRpcException e) {
      return error(rpcErrorText(e));
    } catch (ConnectionLostException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return error(
          "The Parley daemon at "
              + options.server()
              + " did not answer ("
              + cause.getClass().getSimpleName()
              + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
              + "). Is it running? Start it with"
              + " `parley serve`, then call the tool again.");
    } catch (IllegalArgumentException e) {
      return error("Invalid arguments for `" + tool.name() + "`: " + e.getMessage());
    } catch (RuntimeException e) {
      // The details stay in the log: the agent gets an id to quote, not the bridge's internals.
      String incident = Incident.log(LOG, "Tool " + tool.name() + " failed", e);
      return error(
          "The bridge failed to call `"
              + tool.name()
              + "` (incident "
              + incident
              + " in the bridge's log). Try again; if it keeps failing, report the incident.");
    } finally {
      me.touch();
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> structured = mapper.convertValue(result, Map.class);
    if (result instanceof LoginResult login) {
      me.username = login.username();
      // The bridge holds the token and sends it itself: the model never sees it.
      structured.remove(SpecTool.SESSION);
    }
    return CallToolResult.builder()
        .addTextContent(ResultText.of(result, me.username))
        .structuredContent(structured)
        .isError(false)
        .build();
  }

  /** The access key of a call: the HTTP request's bearer, else the bridge's own (stdio). */
  private String key(McpAsyncServerExchange exchange) {
    Object fromRequest =
        exchange.transportContext() == null ? null : exchange.transportContext().get(KEY_CONTEXT);
    return fromRequest instanceof String k ? k : options.key();
  }

  /**
   * Cuts the check's timeout to the cap, under MCP clients' own timeouts; the wait it will take at
   * most.
   */
  private Duration capCheck(Map<String, Object> arguments) {
    long cap = options.checkCap().toMillis();
    Object given = arguments.get("timeout_ms");
    long asked =
        given instanceof Number n
            ? n.longValue()
            : SpecDocument.get()
                .paramDefault(ParleyMethod.CHECK.wireName(), "timeout_ms")
                .asLong(cap);
    if (asked > cap) {
      arguments.put("timeout_ms", cap);
      return Duration.ofMillis(cap);
    }
    return Duration.ofMillis(asked);
  }

  /**
   * Runs the one RPC call on its own virtual thread and, until it returns, sends a progress
   * notification every {@link BridgeOptions#progressEvery()}: clients that get progress keep
   * waiting instead of timing the call out.
   */
  private Object withProgress(
      Supplier<Object> rpc, McpAsyncServerExchange exchange, Object token, Duration wait) {
    long started = System.nanoTime();
    CompletableFuture<Object> running = CompletableFuture.supplyAsync(rpc, calls);
    while (true) {
      try {
        return running.get(options.progressEvery().toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        double seconds = (System.nanoTime() - started) / 1e9;
        Double total = wait == null ? null : wait.toMillis() / 1000.0;
        String message =
            wait == null
                ? String.format("still working (%.0f s)", seconds)
                : String.format("waiting for messages (%.0f s of at most %.0f s)", seconds, total);
        exchange
            .progressNotification(
                McpSchema.ProgressNotification.builder(token, seconds)
                    .total(total)
                    .message(message)
                    .build())
            .subscribe(
                null, failed -> LOG.debug("Progress notification not sent: {}", failed.toString()));
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw new IllegalStateException(e.getCause());
      } catch (InterruptedException e) {
        running.cancel(true);
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the daemon", e);
      }
    }
  }

  /** What to do about a 40013: moderation's refusals are no matter of access keys. */
  private static String accessHint(ParleyRpcException e) {
    AccessDeniedException.Reason reason =
        e instanceof AccessDeniedException denied ? denied.reason() : null;
    if (reason == AccessDeniedException.Reason.MODERATOR) {
      return "Only the room's moderators may do this.";
    }
    if (reason == AccessDeniedException.Reason.REMOVED) {
      return "A moderator removed this name from the room: wait retry_after_ms in data, or join"
          + " another room.";
    }
    return "This daemon runs with access control: the bridge needs an access key (PARLEY_KEY for"
        + " `parley mcp`, Authorization: Bearer for /mcp), and the username and room must be ones"
        + " it allows.";
  }

  /** An RPC error as text: the code and message, the detail, a hint, and the data. */
  private String rpcErrorText(ParleyRpcException e) {
    StringBuilder text =
        new StringBuilder("Error ")
            .append(e.code())
            .append(" (")
            .append(e.rpcMessage())
            .append(")");
    if (e.detail() != null) {
      text.append(": ").append(e.detail());
    }
    if (e instanceof InvalidParamsException invalid && invalid.pointer() != null) {
      text.append(" (at ").append(invalid.pointer()).append(")");
    }
    String hint =
        switch (e.code()) {
          case 40010 -> "Log in again with the `login` tool.";
          case 40012 -> "Claim the floor with `talking_stick` when it is free, then try again.";
          case 40003 -> "Slow down: wait the retry_after_ms in data, then try again.";
          case 40001 -> "Append text to the draft before you push.";
          case 40013 -> accessHint(e);
          case 40014 ->
              e instanceof PushHeldException held
                  ? ChatText.pushHeld(held)
                  : "The room holds pushes now: check, then push again; the draft is kept.";
          default -> null;
        };
    if (hint != null) {
      text.append(". ").append(hint);
    }
    if (e.data() != null) {
      try {
        text.append("\ndata: ").append(mapper.writeValueAsString(e.data()));
      } catch (com.fasterxml.jackson.core.JsonProcessingException ignored) {
        text.append("\ndata: ").append(e.data());
      }
    }
    return text.toString();
  }

  private static CallToolResult error(String text) {
    return CallToolResult.builder().addTextContent(text).isError(true).build();
  }

  private Participant participant(String mcpSession) {
    String key = mcpSession == null ? "" : mcpSession;
    Participant existing = sessions.get(key);
    if (existing != null) {
      return existing;
    }
    forgetIdle();
    return sessions.computeIfAbsent(
        key, k -> new Participant(ParleyClient.connect(options.server())));
  }

  /**
   * Forgets MCP sessions that went away without saying so (HTTP clients that never sent DELETE),
   * logging out what is left of their Parley sessions.
   */
  private void forgetIdle() {
    long horizon = System.nanoTime() - FORGET_AFTER.toNanos();
    sessions
        .entrySet()
        .removeIf(
            e -> {
              if (e.getValue().lastUsed >= horizon) {
                return false;
              }
              CompletableFuture.runAsync(e.getValue()::logout, calls);
              return true;
            });
  }

  /**
   * Ends the Parley session of an MCP session that ended (one {@code logout} call), so that the
   * room sees the participant leave now rather than when its session expires.
   *
   * @param mcpSession the MCP session's id
   */
  public void endSession(String mcpSession) {
    Participant p = sessions.remove(mcpSession);
    if (p != null) {
      p.logout();
    }
  }

  /** Ends every Parley session of this bridge, then stops its threads. */
  @Override
  public void close() {
    List<CompletableFuture<Void>> logouts = new ArrayList<>();
    for (String key : List.copyOf(sessions.keySet())) {
      Participant p = sessions.remove(key);
      if (p != null) {
        logouts.add(CompletableFuture.runAsync(p::logout, calls));
      }
    }
    try {
      CompletableFuture.allOf(logouts.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.debug("Not every session logged out: {}", e.toString());
    }
    scheduler.dispose();
    calls.shutdownNow();
  }

  private static String version() {
    String v = McpBridge.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** One MCP session's Parley side: its client (which holds the session token) and its name. */
  private static final class Participant {
    final ParleyClient client;
    volatile String username;
    volatile long lastUsed = System.nanoTime();

    Participant(ParleyClient client) {
      this.client = client;
    }

    void touch() {
      lastUsed = System.nanoTime();
    }

    void logout() {
      if (client.session() == null) {
        return;
      }
      try {
        client.api().logout();
      } catch (RuntimeException e) {
        LOG.debug("Logout of {} failed: {}", username, e.toString());
      }
    }
  }

  /** The SDK's single-session transport, speaking {@link #PROTOCOL_VERSIONS}. */
  private record SingleSession(McpServerTransportProvider sdk)
      implements McpServerTransportProvider {
    @Override
    public void setSessionFactory(McpServerSession.Factory factory) {
      sdk.setSessionFactory(factory);
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
      return sdk.notifyClients(method, params);
    }

    @Override
    public Mono<Void> notifyClient(String session, String method, Object params) {
      return sdk.notifyClient(session, method, params);
    }

    @Override
    public Mono<Void> closeGracefully() {
      return sdk.closeGracefully();
    }

    @Override
    public void close() {
      sdk.close();
    }

    @Override
    public List<String> protocolVersions() {
      return PROTOCOL_VERSIONS;
    }
  }

  /** The SDK's Streamable HTTP transport, speaking {@link #PROTOCOL_VERSIONS}. */
  private record Streamable(McpStreamableServerTransportProvider sdk)
      implements McpStreamableServerTransportProvider {
    @Override
    public void setSessionFactory(McpStreamableServerSession.Factory factory) {
      sdk.setSessionFactory(factory);
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
      return sdk.notifyClients(method, params);
    }

    @Override
    public Mono<Void> notifyClient(String session, String method, Object params) {
      return sdk.notifyClient(session, method, params);
    }

    @Override
    public Mono<Void> closeGracefully() {
      return sdk.closeGracefully();
    }

    @Override
    public void close() {
      sdk.close();
    }

    @Override
    public List<String> protocolVersions() {
      return PROTOCOL_VERSIONS;
    }
  }
}
