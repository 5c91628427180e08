package dev.parley.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.api.HistoryResult;
import dev.parley.api.TimelineEvent;
import dev.parley.api.TimelineResult;
import dev.parley.extension.AccessCheck;
import dev.parley.extension.Extension;
import dev.parley.extension.ExtensionContext;
import dev.parley.extension.MessageSeen;
import dev.parley.extension.Origins;
import dev.parley.extension.events.RoomEventListener;
import dev.parley.server.auth.AccessKeys;
import dev.parley.server.cluster.ClusterRouting;
import dev.parley.server.cluster.EventRelay;
import dev.parley.server.cluster.RoomOwners;
import dev.parley.server.http.JsonErrorHandler;
import dev.parley.server.http.ReachedUrl;
import dev.parley.server.http.ReadDeadline;
import dev.parley.server.http.RpcHandler;
import dev.parley.server.http.StaticHandler;
import dev.parley.server.json.MessageJson;
import dev.parley.server.log.ConversationLog;
import dev.parley.server.metrics.ServerMetrics;
import dev.parley.server.room.RoomEngine;
import dev.parley.server.room.RoomHome;
import dev.parley.server.room.Ticker;
import dev.parley.server.rpc.JsonRpcEndpoint;
import dev.parley.server.store.MemoryStore;
import dev.parley.server.store.PostgresStore;
import dev.parley.server.store.SqliteStore;
import dev.parley.server.store.Store;
import dev.parley.server.ws.RpcSocketDoor;
import dev.parley.spec.Json;
import dev.parley.spec.SpecDocument;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.Executors;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon: Jetty on virtual threads in front of the room engine. {@code POST /rpc}, the same
 * JSON-RPC over WebSocket at {@code /rpc/ws} with notifications to subscribed sockets, {@code GET
 * /openrpc.json}, {@code GET /health}, {@code GET /metrics} (Prometheus text), {@code GET /stats}
 * (the same as JSON), and the {@link Extension}s found on the classpath: the viewer at {@code /}
 * with its observer socket at {@code /observe}, the MCP bridge's {@code /mcp}. Without any, it
 * serves the doors above and answers 404 elsewhere.
 */
public final class ParleyServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ParleyServer.class);

  /** The folder of the conversation logs inside the data directory. */
  public static final String LOGS = "logs";

  private static final ObjectMapper MAPPER = Json.mapper();

  /**
   * The listen backlog. Jetty's default leaves it to the JDK, which asks for 50: a burst of
   * connections (many agents starting, or their long polls renewing together) then overflows it and
   * the kernel drops or stalls connections. The kernel caps it at net.core.somaxconn.
   */
  private static final int ACCEPT_QUEUE = 4096;

  /**
   * Header fields each connection keeps parsed for its later requests: none. Jetty's default table
   * takes 96 KiB of every kept-alive connection from its second request on, which was most of the
   * heap of a daemon holding many idle agents; the few headers of a JSON-RPC call cost little to
   * parse again (the common ones stay in Jetty's static cache).
   */
  private static final int HEADER_CACHE_SIZE = 0;

  /** The path of an extension that serves whatever no other door does. */
  private static final String ROOT = "/";

  private static final String RPC = ReachedUrl.RPC;

  /** A forwarded call may take this much longer than the longest call at its room's daemon. */
  private static final Duration FORWARD_MARGIN = Duration.ofSeconds(30);

  private static final String OPENRPC = "/openrpc.json";
  private static final String HEALTH = "/health";
  private static final String METRICS = "/metrics";
  private static final String STATS = "/stats";

  /** The daemon's own doors, which no extension may take. */
  private static final Set<String> OWN_DOORS =
      Set.of(RPC, RpcSocketDoor.PATH, OPENRPC, HEALTH, METRICS, STATS);

  private final Server jetty;
  private final ServerConnector connector;

  /** How long stopping waits for the sockets' close frames to be written. */
  private static final Duration SOCKET_CLOSE_GRACE = Duration.ofSeconds(2);

  private final RoomEngine engine;
  private final Store store;

  /**
   * Who serves each room among the daemons sharing a PostgreSQL store; null for SQLite or memory.
   */
  private final RoomOwners owners;

  /** Sends calls to the daemons that serve their rooms; null when alone. */
  private final ClusterRouting routing;

  /** Tells the other daemons' observers of this one's rooms, and the reverse; null when alone. */
  private final EventRelay relay;

  private final ConversationLog log;
  private final RpcSocketDoor sockets;
  private final long startedAt = System.currentTimeMillis();

  /** The mounted extensions: name to path. */
  private final Map<String, String> extensions = new LinkedHashMap<>();

  /**
   * Opens the store the configuration names (SQLite and conversation logs in its data directory, or
   * memory) and builds the server on it.
   *
   * @param config how to run
   */
  public ParleyServer(ServerConfig config) {
    this(config, null);
  }

  /**
   * As {@link #ParleyServer(ServerConfig)}, with access control by {@code access}: {@code login}
   * needs a key, {@code rooms}, {@code /observe} and the extensions a key or a session.
   *
   * @param access the keys, or null for no access control
   */
  public ParleyServer(ServerConfig config, AccessKeys access) {
    this(config, access, ServiceLoader.load(Extension.class));
  }

  /**
   * As {@link #ParleyServer(ServerConfig, AccessKeys)}, with these extensions in place of the ones
   * found on the classpath.
   *
   * @param extensions the extensions to mount, each at its path
   */
  public ParleyServer(ServerConfig config, AccessKeys access, Iterable<Extension> extensions) {
    this(
        config,
        store(config),
        config.dataDir() == null
            ? null
            : new ConversationLog(config.dataDir().resolve(LOGS), config.memory().logQueueBytes()),
        access,
        extensions);
  }

  /**
   * The store the configuration names: PostgreSQL, else SQLite in the data directory, else memory.
   */
  private static Store store(ServerConfig config) {
    if (config.database() != null) {
      return PostgresStore.open(config.database(), config.dataDir());
    }
    return config.dataDir() == null ? new MemoryStore() : SqliteStore.open(config.dataDir());
  }

  private ParleyServer(
      ServerConfig config,
      Store store,
      ConversationLog log,
      AccessKeys access,
      Iterable<Extension> mounted) {
    ServerLimits limits = config.limits();
    this.store = store;
    this.log = log;

    QueuedThreadPool pool = new QueuedThreadPool();
    pool.setName("parley-http");
    // Every request runs on its own virtual thread: a pending check is a parked virtual thread.
    pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
    jetty = new Server(pool);
    ConnectionLimits connections = config.connections();
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setHeaderCacheSize(HEADER_CACHE_SIZE);
    // While a request is in progress: a long-poll check sends nothing until it returns, so the
    // connection must outlive the cap.
    http.setIdleTimeout(limits.checkTimeoutCapMs() + 30_000);
    connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
    connector.setHost(config.host());
    connector.setPort(config.port());
    connector.setAcceptQueueSize(ACCEPT_QUEUE);
    // Between requests: a kept-alive connection that stays silent this long is closed.
    connector.setIdleTimeout(connections.idleTimeout().toMillis());
    connector.addBean(new ReadDeadline(connector, connections.readTimeout()));
    jetty.addConnector(connector);
    // Past the limit, connections wait in the accept queue instead of taking file descriptors.
    jetty.addBean(new NetworkConnectionLimit(connections.maxConnections(), connector));

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // The extensions are mounted before the engine exists, so that their subscribers hear every
    // room event from the first (the viewer keeps presence for observers who arrive later).
    Mounting mounting = new Mounting(jetty, access, config.memory().observerQueueBytes(), registry);
    Map<String, Handler> doors = new LinkedHashMap<>();
    List<Handler> fallbacks = new ArrayList<>();
    try {
      mount(mounted, mounting, doors, fallbacks);
    } catch (RuntimeException e) {
      // Nothing else will close what was opened for this daemon (its data directory is locked).
      store.close();
      if (log != null) {
        log.close();
      }
      throw e;
    }
    List<RoomEventListener> listeners = new ArrayList<>();
    if (log != null) {
      listeners.add(log);
    }
    List<RoomEventListener> observers = mounting.done();
    listeners.addAll(observers);
    sockets =
        new RpcSocketDoor(
            config.memory().socketQueueBytes(), config.connections().socketPing(), registry);
    listeners.add(sockets);
    RoomEngine.Options options =
        RoomEngine.Options.of(limits)
            .withDefaultFloor(config.defaultFloor())
            .withRoomDefaults(config.roomDefaults())
            .withTail(config.memory().tailMessages(), config.memory().tailBytes())
            .withJournals(
                new RoomEngine.Journals(
                    config.memory().timelineBytes(),
                    config.memory().seenEntries(),
                    config.memory().seenBytes()));
    URI nodeUrl = config.nodeUrl();
    if (store instanceof PostgresStore shared) {
      RoomOwners made = null;
      try {
        made = new RoomOwners(shared, () -> nodeUrl != null ? nodeUrl : uri());
        this.relay =
            new EventRelay(
                shared,
                Json.mapper().registerModule(MessageJson.module()),
                RoomEventListener.all(observers),
                config.memory().observerQueueBytes());
      } catch (RuntimeException e) {
        // Nothing else will close what was opened for this daemon (its data directory is locked).
        if (made != null) {
          made.close();
        }
        store.close();
        if (log != null) {
          log.close();
        }
        throw e;
      }
      this.owners = made;
      listeners.add(relay);
    } else {
      this.owners = null;
      this.relay = null;
    }
    this.engine =
        new RoomEngine(
            store,
            options,
            Clock.systemUTC(),
            Ticker.SYSTEM,
            RoomEventListener.all(listeners),
            owners != null ? owners : RoomHome.ALONE);
    if (owners != null) {
      owners.onLost(engine::disown);
    }
    config.rooms().forEach(engine::createRoom);

    ServerMetrics metrics = new ServerMetrics(registry, engine, log);
    PathMappingsHandler routes = new PathMappingsHandler();
    JsonRpcEndpoint endpoint = new JsonRpcEndpoint(engine, limits.batchCalls(), metrics, access);
    if (owners != null) {
      this.routing =
          new ClusterRouting(
              engine,
              owners,
              endpoint.mapper(),
              Duration.ofMillis(limits.checkTimeoutCapMs()).plus(FORWARD_MARGIN));
      endpoint.route(routing);
    } else {
      this.routing = null;
    }
    routes.addMapping(
        PathSpec.from(RPC),
        new RpcHandler(endpoint, limits.bodyBytes(), owners == null ? null : owners.secret()));
    routes.addMapping(
        PathSpec.from(OPENRPC),
        StaticHandler.jsonFor(
            request -> SpecDocument.get().bytesServedAt(ReachedUrl.rpc(request))));
    routes.addMapping(PathSpec.from(HEALTH), StaticHandler.json(this::health));
    routes.addMapping(PathSpec.from(METRICS), StaticHandler.prometheus(metrics::scrape));
    routes.addMapping(PathSpec.from(STATS), StaticHandler.json(metrics::stats));
    doors.forEach((path, handler) -> routes.addMapping(PathSpec.from(path), handler));
    // The socket door wraps the routes: an upgrade is told by its path before any mapping.
    fallbacks.addFirst(sockets.handler(jetty, engine, endpoint, limits.bodyBytes(), routes));
    // One origin policy in front of every door, the extensions' too.
    List<String> hosts = new ArrayList<>(config.allowedHosts());
    if (nodeUrl != null && nodeUrl.getHost() != null) {
      // The other daemons reach this one by its node address: that name must pass the Host check.
      hosts.add(nodeUrl.getHost());
    }
    Origins origins = Origins.of(config.host(), hosts);
    jetty.setHandler(origins.guard(new Handler.Sequence(fallbacks)));
    jetty.setErrorHandler(new JsonErrorHandler());
    jetty.setStopTimeout(config.shutdownGrace().toMillis());
  }

  /** Builds each extension's handler, at its path or (at "/") among the fallbacks. */
  private void mount(
      Iterable<Extension> mounted,
      Mounting mounting,
      Map<String, Handler> doors,
      List<Handler> fallbacks) {
    for (Extension extension : mounted) {
      Handler handler = extension.handler(mounting);
      // An extension at "/" takes what no door's path matches, as the request came.
      if (ROOT.equals(extension.path())) {
        fallbacks.add(handler);
      } else if (OWN_DOORS.contains(extension.path())
          || doors.putIfAbsent(extension.path(), handler) != null) {
        throw new IllegalStateException(
            "The extension "
                + extension.name()
                + " asks for "
                + extension.path()
                + ", which the daemon or another extension serves");
      }
      extensions.put(extension.name(), extension.path());
      LOG.debug("Mounted {} at {}", extension.name(), extension.path());
    }
  }

  /** Starts listening. */
  public ParleyServer start() throws Exception {
    jetty.start();
    return this;
  }

  /** The port listened on (the chosen one when configured as 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** The base address, such as {@code http://127.0.0.1:8890}. */
  public URI uri() {
    String host = connector.getHost() == null ? "127.0.0.1" : connector.getHost();
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port());
  }

  /** Blocks until the server stops. */
  public void join() throws InterruptedException {
    jetty.join();
  }

  @Override
  public void close() {
    // Wake every pending check first, so that stopping does not wait for their timeouts; then
    // let the calls in flight finish, store what they queued, and only then close the store.
    engine.wakeChecks();
    try {
      // No new connection from here on; then the sockets are told, while the daemon still runs.
      connector.close();
      sockets.closeSockets(SOCKET_CLOSE_GRACE);
      jetty.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Stopping the HTTP server failed", e);
    } finally {
      sockets.close();
      engine.close();
      if (routing != null) {
        routing.close();
      }
      if (relay != null) {
        relay.close();
      }
      if (owners != null) {
        owners.close();
      }
      store.close();
      if (log != null) {
        log.close();
      }
    }
  }

  private byte[] health() {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("status", "ok");
    body.put("rooms", engine.roomCount());
    body.put("sessions", engine.sessionCount());
    body.put("uptime_ms", System.currentTimeMillis() - startedAt);
    return write(body);
  }

  /** The paths of the mounted {@link Extension}s, by name. */
  public Map<String, String> extensions() {
    return Map.copyOf(extensions);
  }

  /**
   * What the extensions are given while they are mounted; their subscriptions are taken once all
   * are, and refused after.
   */
  private final class Mounting implements ExtensionContext {
    private final Server server;
    private final AccessCheck access;
    private final long observerQueueBytes;
    private final MeterRegistry meters;
    private List<RoomEventListener> listeners = new ArrayList<>();

    Mounting(Server server, AccessCheck access, long observerQueueBytes, MeterRegistry meters) {
      this.server = server;
      this.access = access;
      this.observerQueueBytes = observerQueueBytes;
      this.meters = meters;
    }

    @Override
    public URI uri() {
      return ParleyServer.this.uri();
    }

    @Override
    public Server server() {
      return server;
    }

    @Override
    public AccessCheck access() {
      return access;
    }

    @Override
    public long observerQueueBytes() {
      return observerQueueBytes;
    }

    @Override
    public MeterRegistry meters() {
      return meters;
    }

    @Override
    public HistoryResult history(String room, String beforeMessageId, int limit) {
      return engine.watchedHistory(room, beforeMessageId, limit);
    }

    @Override
    public List<MessageSeen> seen(String room, long fromSeq, long toSeq) {
      return engine.seen(room, fromSeq, toSeq);
    }

    @Override
    public TimelineResult timeline(String room, String messageId) {
      return engine.watchedTimeline(room, messageId);
    }

    @Override
    public List<TimelineEvent> timelineEvents(String room) {
      return engine.timelineEvents(room);
    }

    @Override
    public synchronized void subscribe(RoomEventListener listener) {
      if (listeners == null) {
        throw new IllegalStateException(
            "an extension subscribes to room events while it is mounted, not later");
      }
      listeners.add(listener);
    }

    synchronized List<RoomEventListener> done() {
      List<RoomEventListener> all = List.copyOf(listeners);
      listeners = null;
      return all;
    }
  }

  private static byte[] write(ObjectNode body) {
    try {
      return MAPPER.writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
