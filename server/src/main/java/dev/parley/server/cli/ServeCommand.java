package dev.parley.server.cli;

import dev.parley.api.FloorPolicy;
import dev.parley.api.RoomOptions;
import dev.parley.server.ConnectionLimits;
import dev.parley.server.MemoryLimits;
import dev.parley.server.ParleyServer;
import dev.parley.server.ServerConfig;
import dev.parley.server.ServerLimits;
import dev.parley.server.auth.AccessKeys;
import dev.parley.server.store.PostgresDatabase;
import dev.parley.spec.SpecDocument;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code parley serve}: runs the daemon until interrupted. Every flag has an environment variable.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Runs the daemon. Each option can also be set by the environment variable shown.")
public final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
  private static final String KEYS = "keys";

  @Spec CommandSpec spec;

  @Option(
      names = "--host",
      defaultValue = "${env:PARLEY_HOST:-127.0.0.1}",
      description = "Address to listen on (PARLEY_HOST, default ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "${env:PARLEY_PORT:-8890}",
      description =
          "Port to listen on; 0 picks a free one (PARLEY_PORT, default ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--insecure-public",
      defaultValue = "${env:PARLEY_INSECURE_PUBLIC:-false}",
      description =
          "Listen on a --host that is not a loopback address although nothing is authenticated (PARLEY_INSECURE_PUBLIC).")
  boolean insecurePublic;

  @Option(
      names = "--auth",
      defaultValue = "${env:PARLEY_AUTH:-none}",
      paramLabel = "none|keys",
      description =
          "Access control: none (anyone who reaches the port may do anything) or keys (login, rooms,"
              + " /observe and /mcp need an access key of the keys file) (PARLEY_AUTH, default ${DEFAULT-VALUE}).")
  String auth;

  @Option(
      names = "--keys-file",
      defaultValue = "${env:PARLEY_KEYS_FILE}",
      paramLabel = "PATH",
      description =
          "The keys file of --auth keys, made by `parley keys add`; read again when it changes"
              + " (PARLEY_KEYS_FILE, default <data-dir>/keys.json; required with --in-memory).")
  Path keysFile;

  @Option(
      names = "--allowed-host",
      split = ",",
      paramLabel = "NAME",
      defaultValue = "${env:PARLEY_ALLOWED_HOSTS}",
      description =
          "Further names by which browsers may reach the daemon, e.g. parley.lan; requests naming any other host are refused (PARLEY_ALLOWED_HOSTS).")
  List<String> allowedHosts;

  @Option(
      names = "--max-connections",
      defaultValue = "${env:PARLEY_MAX_CONNECTIONS:-0}",
      description =
          "Connections served at once; more wait to be accepted. 0: the open-file limit less 1024 (PARLEY_MAX_CONNECTIONS, default ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(
      names = "--read-timeout-ms",
      defaultValue = "${env:PARLEY_READ_TIMEOUT_MS:-10000}",
      description =
          "Time a request may take to arrive whole, headers and body (PARLEY_READ_TIMEOUT_MS, default ${DEFAULT-VALUE}).")
  long readTimeoutMs;

  @Option(
      names = "--idle-timeout-ms",
      defaultValue = "${env:PARLEY_IDLE_TIMEOUT_MS:-60000}",
      description =
          "Silence after which a connection with no call in progress is closed (PARLEY_IDLE_TIMEOUT_MS, default ${DEFAULT-VALUE}).")
  long idleTimeoutMs;

  @Option(
      names = "--data-dir",
      defaultValue = "${env:PARLEY_DATA_DIR:-parley-data}",
      description =
          "Where the SQLite database and the conversation logs live, created on first start; with --database,"
              + " the conversation logs only (PARLEY_DATA_DIR, default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Mixin DatabaseOption database = new DatabaseOption();

  @Option(
      names = "--node-url",
      paramLabel = "URL",
      defaultValue = "${env:PARLEY_NODE_URL}",
      description =
          "With --database: the address the other daemons on the database reach this one at, such as"
              + " http://10.0.0.5:8890 (PARLEY_NODE_URL; default http://HOST:PORT as listened on).")
  java.net.URI nodeUrl;

  @Option(
      names = "--in-memory",
      defaultValue = "${env:PARLEY_IN_MEMORY:-false}",
      description = "Keep everything in memory: nothing survives a restart (PARLEY_IN_MEMORY).")
  boolean inMemory;

  @Option(
      names = "--human-first",
      negatable = true,
      defaultValue = "${env:PARLEY_HUMAN_FIRST:-true}",
      fallbackValue = "true",
      description =
          "Rooms created without options hold an agent's push back while a human is drafting"
              + " (human_first); --no-human-first creates them without (PARLEY_HUMAN_FIRST, default"
              + " on).")
  boolean humanFirst;

  @Option(
      names = "--mention-wakes-per-minute",
      defaultValue = "${env:PARLEY_MENTION_WAKES_PER_MINUTE:-60}",
      description =
          "The wake budget of rooms created without options: how many agents one participant may"
              + " name as @username a minute; a push beyond it waits (40003); 0: no budget"
              + " (PARLEY_MENTION_WAKES_PER_MINUTE, default ${DEFAULT-VALUE}).")
  int mentionWakesPerMinute;

  @Option(
      names = "--max-agent-run",
      defaultValue = "${env:PARLEY_MAX_AGENT_RUN:-8}",
      description =
          "The loop guard of rooms created without options: after this many agent messages in a"
              + " row with no human between them, agents' pushes are refused (40014) until a human"
              + " speaks or a moderator continues; 0: no guard (PARLEY_MAX_AGENT_RUN, default"
              + " ${DEFAULT-VALUE}).")
  int maxAgentRun;

  @Option(
      names = "--floor",
      defaultValue = "${env:PARLEY_FLOOR:-open}",
      description =
          "Floor policy of rooms created without one: open or stick (PARLEY_FLOOR, default ${DEFAULT-VALUE}).")
  String floor;

  @Option(
      names = "--room",
      split = ",",
      paramLabel = "NAME[:FLOOR]",
      defaultValue = "${env:PARLEY_ROOMS}",
      description = "Rooms to create at start, e.g. lobby,debate:stick (PARLEY_ROOMS).")
  List<String> rooms;

  @Option(
      names = "--append-chars",
      defaultValue = "${env:PARLEY_APPEND_CHARS:-1000}",
      description =
          "Characters kept of one append (PARLEY_APPEND_CHARS, default ${DEFAULT-VALUE}).")
  int appendChars;

  @Option(
      names = "--message-chars",
      defaultValue = "${env:PARLEY_MESSAGE_CHARS:-16000}",
      description =
          "Characters one message may hold (PARLEY_MESSAGE_CHARS, default ${DEFAULT-VALUE}).")
  int messageChars;

  @Option(
      names = "--body-bytes",
      defaultValue = "${env:PARLEY_BODY_BYTES:-262144}",
      description = "Largest HTTP request body (PARLEY_BODY_BYTES, default ${DEFAULT-VALUE}).")
  int bodyBytes;

  @Option(
      names = "--batch-calls",
      defaultValue = "${env:PARLEY_BATCH_CALLS:-50}",
      description = "Most calls in one batch (PARLEY_BATCH_CALLS, default ${DEFAULT-VALUE}).")
  int batchCalls;

  @Option(
      names = "--check-cap-ms",
      defaultValue = "${env:PARLEY_CHECK_CAP_MS:-60000}",
      description =
          "Longest check wait; longer timeouts are cut (PARLEY_CHECK_CAP_MS, default ${DEFAULT-VALUE}).")
  long checkCapMs;

  @Option(
      names = "--rate",
      defaultValue = "${env:PARLEY_RATE:-200}",
      description =
          "Calls per second per session, 0 for no limit (PARLEY_RATE, default ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--burst",
      defaultValue = "${env:PARLEY_BURST:-400}",
      description = "Calls a session may make at once (PARLEY_BURST, default ${DEFAULT-VALUE}).")
  int burst;

  @Option(
      names = "--door-rate",
      defaultValue = "${env:PARLEY_DOOR_RATE:-20}",
      description =
          "Calls per second per client address that reach no session (login, rooms, unknown tokens),"
              + " 0 for no limit (PARLEY_DOOR_RATE, default ${DEFAULT-VALUE}).")
  int doorRate;

  @Option(
      names = "--door-burst",
      defaultValue = "${env:PARLEY_DOOR_BURST:-100}",
      description =
          "Such calls a client address may make at once (PARLEY_DOOR_BURST, default ${DEFAULT-VALUE}).")
  int doorBurst;

  @Option(
      names = "--room-retention-days",
      defaultValue = "${env:PARLEY_ROOM_RETENTION_DAYS:-0}",
      description =
          "Delete a room, its messages and its log once it has had no session and no new message for this"
              + " many days; 0 keeps rooms for ever (PARLEY_ROOM_RETENTION_DAYS, default ${DEFAULT-VALUE}).")
  int roomRetentionDays;

  @Option(
      names = "--session-ttl-ms",
      defaultValue = "${env:PARLEY_SESSION_TTL_MS:-600000}",
      description =
          "Idle time after which a session expires (PARLEY_SESSION_TTL_MS, default ${DEFAULT-VALUE}).")
  long sessionTtlMs;

  @Option(
      names = "--stick-hold-ms",
      defaultValue = "${env:PARLEY_STICK_HOLD_MS:-60000}",
      description =
          "Time after which a claimed talking stick is released (PARLEY_STICK_HOLD_MS, default ${DEFAULT-VALUE}).")
  long stickHoldMs;

  @Option(
      names = "--login-tail",
      defaultValue = "${env:PARLEY_LOGIN_TAIL:-20}",
      description =
          "Recent messages a new session is given (PARLEY_LOGIN_TAIL, default ${DEFAULT-VALUE}).")
  int loginTail;

  @Option(
      names = "--history-page",
      defaultValue = "${env:PARLEY_HISTORY_PAGE:-200}",
      description =
          "Most messages one history call returns (PARLEY_HISTORY_PAGE, default ${DEFAULT-VALUE}).")
  int historyPage;

  @Option(
      names = "--response-messages",
      defaultValue = "${env:PARLEY_RESPONSE_MESSAGES:-500}",
      description =
          "Most messages one answer delivers; the rest come with the next calls"
              + " (PARLEY_RESPONSE_MESSAGES, default ${DEFAULT-VALUE}).")
  int responseMessages;

  @Option(
      names = "--response-bytes",
      defaultValue = "${env:PARLEY_RESPONSE_BYTES:-1048576}",
      description =
          "Most bytes of messages one answer carries; a single larger message still comes, alone"
              + " (PARLEY_RESPONSE_BYTES, default ${DEFAULT-VALUE}).")
  int responseBytes;

  @Option(
      names = "--tail-messages",
      defaultValue = "${env:PARLEY_TAIL_MESSAGES:-1000}",
      description =
          "Messages each room keeps in memory; older ones are read from the database (PARLEY_TAIL_MESSAGES,"
              + " default ${DEFAULT-VALUE}).")
  int tailMessages;

  @Option(
      names = "--tail-bytes",
      defaultValue = "${env:PARLEY_TAIL_BYTES:-1048576}",
      description =
          "Bytes of messages each room keeps in memory (PARLEY_TAIL_BYTES, default ${DEFAULT-VALUE}).")
  long tailBytes;

  @Option(
      names = "--log-queue-bytes",
      defaultValue = "${env:PARLEY_LOG_QUEUE_BYTES:-16777216}",
      description =
          "Bytes of conversation-log lines that may wait for the disk; beyond, lines are dropped with a"
              + " warning (PARLEY_LOG_QUEUE_BYTES, default ${DEFAULT-VALUE}).")
  long logQueueBytes;

  @Option(
      names = "--observer-queue-bytes",
      defaultValue = "${env:PARLEY_OBSERVER_QUEUE_BYTES:-8388608}",
      description =
          "Bytes of frames that may wait for one observer of /observe; one that falls further behind is"
              + " disconnected and its page reconnects (PARLEY_OBSERVER_QUEUE_BYTES, default ${DEFAULT-VALUE}).")
  long observerQueueBytes;

  @Option(
      names = "--socket-queue-bytes",
      defaultValue = "${env:PARLEY_SOCKET_QUEUE_BYTES:-1048576}",
      description =
          "Bytes of frames that may wait for one socket of /rpc/ws; one that does not read them is"
              + " closed (1008), and what was not written waits for its session's next call"
              + " (PARLEY_SOCKET_QUEUE_BYTES, default ${DEFAULT-VALUE}).")
  long socketQueueBytes;

  @Override
  public Integer call() throws Exception {
    ServerConfig config = config();
    AccessKeys access = keysFile(config) == null ? null : AccessKeys.open(keysFile(config));
    ParleyServer server = new ParleyServer(config, access);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } catch (Exception e) {
                    LOG.warn("Stopping failed", e);
                  } finally {
                    stopped.countDown();
                  }
                },
                "parley-shutdown"));
    server.start();
    if (access != null) {
      LOG.info("Access control: keys of {}", access.file().toAbsolutePath());
    } else if (insecurePublic && !loopback(host)) {
      LOG.warn(
          "Listening on {}, which is not a loopback address: nothing is authenticated, so anyone who can reach it"
              + " can read and write every room",
          host);
    }
    StringBuilder doors = new StringBuilder("POST /rpc, GET /openrpc.json, GET /health");
    server
        .extensions()
        .forEach((name, path) -> doors.append(", ").append(name).append(" at ").append(path));
    LOG.info("Parley listening on {} ({}); {}", server.uri(), doors, where(config));
    stopped.await();
    return 0;
  }

  private static String where(ServerConfig config) {
    if (config.database() != null) {
      return "data in the PostgreSQL database "
          + config.database()
          + ", conversation logs in "
          + config.dataDir().toAbsolutePath();
    }
    return config.dataDir() == null
        ? "everything in memory"
        : "data in " + config.dataDir().toAbsolutePath();
  }

  ServerConfig config() {
    positive("--port", port + 1);
    positive("--append-chars", appendChars);
    positive("--message-chars", messageChars);
    positive("--body-bytes", bodyBytes);
    positive("--batch-calls", batchCalls);
    positive("--check-cap-ms", checkCapMs);
    positive("--rate", rate + 1L);
    positive("--burst", burst);
    positive("--door-rate", doorRate + 1L);
    positive("--door-burst", doorBurst);
    positive("--room-retention-days", roomRetentionDays + 1L);
    positive("--session-ttl-ms", sessionTtlMs);
    positive("--stick-hold-ms", stickHoldMs);
    positive("--login-tail", loginTail + 1L);
    positive("--history-page", historyPage);
    positive("--response-messages", responseMessages);
    positive("--response-bytes", responseBytes);
    positive("--observer-queue-bytes", observerQueueBytes);
    positive("--socket-queue-bytes", socketQueueBytes);
    positive("--max-connections", maxConnections + 1L);
    positive("--read-timeout-ms", readTimeoutMs);
    positive("--idle-timeout-ms", idleTimeoutMs);
    positive("--tail-messages", tailMessages);
    if (mentionWakesPerMinute < 0 || mentionWakesPerMinute > 1_000_000) {
      throw new ParameterException(
          spec.commandLine(),
          "--mention-wakes-per-minute is 0 (no budget) to 1000000, not " + mentionWakesPerMinute);
    }
    if (maxAgentRun < 0 || maxAgentRun > 1_000_000) {
      throw new ParameterException(
          spec.commandLine(), "--max-agent-run is 0 (no guard) to 1000000, not " + maxAgentRun);
    }
    positive("--tail-bytes", tailBytes);
    positive("--log-queue-bytes", logQueueBytes);
    if (!"none".equals(auth) && !KEYS.equals(auth)) {
      throw new ParameterException(spec.commandLine(), "--auth is none or keys, not " + auth);
    }
    if (KEYS.equals(auth) && inMemory && keysFile == null) {
      throw new ParameterException(
          spec.commandLine(),
          "--auth keys with --in-memory needs --keys-file: there is no"
              + " data directory to find keys.json in");
    }
    if (!KEYS.equals(auth) && keysFile != null) {
      throw new ParameterException(spec.commandLine(), "--keys-file is for --auth keys");
    }
    if (!insecurePublic && !KEYS.equals(auth) && !loopback(host)) {
      throw new ParameterException(
          spec.commandLine(),
          "--host "
              + host
              + " is not a loopback address, and nothing on"
              + " this daemon is authenticated: anyone who can reach it could read and write every room. Listen on"
              + " 127.0.0.1 (the default), give --auth keys to let only holders of access keys in (see `parley keys"
              + " add`), or give --insecure-public to serve it anyway.");
    }
    PostgresDatabase db = database.database(spec.commandLine());
    if (nodeUrl != null
        && (db == null
            || nodeUrl.getHost() == null
            || !("http".equals(nodeUrl.getScheme()) || "https".equals(nodeUrl.getScheme())))) {
      throw new ParameterException(
          spec.commandLine(),
          db == null
              ? "--node-url is for daemons that share a --database: give one, or leave it out"
              : "--node-url: not an http:// address with a host: " + nodeUrl);
    }
    if (db != null && inMemory) {
      throw new ParameterException(
          spec.commandLine(),
          "--database and --in-memory exclude each other: keep the data in PostgreSQL or in memory");
    }
    if (historyPage > 200) {
      throw new ParameterException(
          spec.commandLine(), "--history-page is at most 200, the spec's limit of history's limit");
    }
    if (port > 65535) {
      throw new ParameterException(spec.commandLine(), "--port must be at most 65535");
    }
    Map<String, FloorPolicy> initial = new LinkedHashMap<>();
    if (rooms != null) {
      for (String room : rooms) {
        String[] parts = room.split(":", 2);
        if (!SpecDocument.get().pattern("RoomName").matcher(parts[0]).matches()) {
          throw new ParameterException(spec.commandLine(), "--room: not a room name: " + parts[0]);
        }
        initial.put(parts[0], parts.length == 2 ? floor(parts[1]) : floor(floor));
      }
    }
    ServerLimits limits =
        new ServerLimits(
            appendChars,
            messageChars,
            bodyBytes,
            batchCalls,
            checkCapMs,
            rate,
            burst,
            Duration.ofMillis(sessionTtlMs),
            Duration.ofMillis(stickHoldMs),
            loginTail,
            historyPage,
            responseMessages,
            responseBytes,
            doorRate,
            doorBurst,
            Duration.ofDays(roomRetentionDays));
    ConnectionLimits connections =
        new ConnectionLimits(
            maxConnections == 0 ? ConnectionLimits.defaultMaxConnections() : maxConnections,
            Duration.ofMillis(readTimeoutMs),
            Duration.ofMillis(idleTimeoutMs));
    return new ServerConfig(
        host,
        port,
        limits,
        floor(floor),
        initial,
        ServerConfig.DEFAULT_SHUTDOWN_GRACE,
        inMemory ? null : dataDir,
        allowedHosts == null ? List.of() : allowedHosts,
        connections,
        new MemoryLimits(
            tailMessages, tailBytes, logQueueBytes, observerQueueBytes, socketQueueBytes),
        db,
        nodeUrl,
        new RoomOptions(humanFirst, mentionWakesPerMinute, maxAgentRun));
  }

  /** The keys file of {@code --auth keys}, or null without access control. */
  Path keysFile(ServerConfig config) {
    if (!KEYS.equals(auth)) {
      return null;
    }
    return keysFile != null ? keysFile : config.dataDir().resolve(AccessKeys.FILE);
  }

  /**
   * Whether every address {@code host} names is a loopback address (an empty host means all of
   * them).
   */
  private boolean loopback(String name) {
    if (name == null || name.isBlank()) {
      return false;
    }
    try {
      for (InetAddress address : InetAddress.getAllByName(name)) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      throw new ParameterException(spec.commandLine(), "--host: no such host: " + name);
    }
  }

  private FloorPolicy floor(String name) {
    for (FloorPolicy p : FloorPolicy.values()) {
      if (p.wireName().equals(name)) {
        return p;
      }
    }
    throw new ParameterException(
        spec.commandLine(), "not a floor policy: " + name + " (open or stick)");
  }

  private void positive(String option, long value) {
    if (value <= 0) {
      throw new ParameterException(spec.commandLine(), option + " must be positive");
    }
  }
}
