package dev.parley.server.cli;

import dev.parley.api.FloorPolicy;
import dev.parley.server.ParleyServer;
import dev.parley.server.ServerConfig;
import dev.parley.server.ServerLimits;
import dev.parley.spec.SpecDocument;
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
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code parley serve}: runs the daemon until interrupted. Every flag has an environment variable. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Runs the daemon. Each option can also be set by the environment variable shown.")
public final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Spec
  CommandSpec spec;

  @Option(names = "--host", defaultValue = "${env:PARLEY_HOST:-127.0.0.1}",
      description = "Address to listen on (PARLEY_HOST, default ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "${env:PARLEY_PORT:-8890}",
      description = "Port to listen on; 0 picks a free one (PARLEY_PORT, default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--data-dir", defaultValue = "${env:PARLEY_DATA_DIR:-parley-data}",
      description = "Where the SQLite database and the conversation logs live, created on first start (PARLEY_DATA_DIR, default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--in-memory", defaultValue = "${env:PARLEY_IN_MEMORY:-false}",
      description = "Keep everything in memory: nothing survives a restart (PARLEY_IN_MEMORY).")
  boolean inMemory;

  @Option(names = "--floor", defaultValue = "${env:PARLEY_FLOOR:-open}",
      description = "Floor policy of rooms created without one: open or stick (PARLEY_FLOOR, default ${DEFAULT-VALUE}).")
  String floor;

  @Option(names = "--room", split = ",", paramLabel = "NAME[:FLOOR]", defaultValue = "${env:PARLEY_ROOMS}",
      description = "Rooms to create at start, e.g. lobby,debate:stick (PARLEY_ROOMS).")
  List<String> rooms;

  @Option(names = "--append-chars", defaultValue = "${env:PARLEY_APPEND_CHARS:-1000}",
      description = "Characters kept of one append (PARLEY_APPEND_CHARS, default ${DEFAULT-VALUE}).")
  int appendChars;

  @Option(names = "--message-chars", defaultValue = "${env:PARLEY_MESSAGE_CHARS:-16000}",
      description = "Characters one message may hold (PARLEY_MESSAGE_CHARS, default ${DEFAULT-VALUE}).")
  int messageChars;

  @Option(names = "--body-bytes", defaultValue = "${env:PARLEY_BODY_BYTES:-262144}",
      description = "Largest HTTP request body (PARLEY_BODY_BYTES, default ${DEFAULT-VALUE}).")
  int bodyBytes;

  @Option(names = "--batch-calls", defaultValue = "${env:PARLEY_BATCH_CALLS:-50}",
      description = "Most calls in one batch (PARLEY_BATCH_CALLS, default ${DEFAULT-VALUE}).")
  int batchCalls;

  @Option(names = "--check-cap-ms", defaultValue = "${env:PARLEY_CHECK_CAP_MS:-60000}",
      description = "Longest check wait; longer timeouts are cut (PARLEY_CHECK_CAP_MS, default ${DEFAULT-VALUE}).")
  long checkCapMs;

  @Option(names = "--rate", defaultValue = "${env:PARLEY_RATE:-200}",
      description = "Calls per second per session, 0 for no limit (PARLEY_RATE, default ${DEFAULT-VALUE}).")
  int rate;

  @Option(names = "--burst", defaultValue = "${env:PARLEY_BURST:-400}",
      description = "Calls a session may make at once (PARLEY_BURST, default ${DEFAULT-VALUE}).")
  int burst;

  @Option(names = "--session-ttl-ms", defaultValue = "${env:PARLEY_SESSION_TTL_MS:-600000}",
      description = "Idle time after which a session expires (PARLEY_SESSION_TTL_MS, default ${DEFAULT-VALUE}).")
  long sessionTtlMs;

  @Option(names = "--stick-hold-ms", defaultValue = "${env:PARLEY_STICK_HOLD_MS:-60000}",
      description = "Time after which a claimed talking stick is released (PARLEY_STICK_HOLD_MS, default ${DEFAULT-VALUE}).")
  long stickHoldMs;

  @Option(names = "--login-tail", defaultValue = "${env:PARLEY_LOGIN_TAIL:-20}",
      description = "Recent messages a new session is given (PARLEY_LOGIN_TAIL, default ${DEFAULT-VALUE}).")
  int loginTail;

  @Option(names = "--history-page", defaultValue = "${env:PARLEY_HISTORY_PAGE:-200}",
      description = "Most messages one history call returns (PARLEY_HISTORY_PAGE, default ${DEFAULT-VALUE}).")
  int historyPage;

  @Override
  public Integer call() throws Exception {
    ServerConfig config = config();
    ParleyServer server = new ParleyServer(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (Exception e) {
        LOG.warn("Stopping failed", e);
      } finally {
        stopped.countDown();
      }
    }, "parley-shutdown"));
    server.start();
    StringBuilder doors = new StringBuilder("POST /rpc, GET /openrpc.json, GET /health");
    server.extensions().forEach((name, path) -> doors.append(", ").append(name).append(" at ").append(path));
    LOG.info("Parley listening on {} ({}); {}", server.uri(), doors,
        config.dataDir() == null ? "everything in memory" : "data in " + config.dataDir().toAbsolutePath());
    stopped.await();
    return 0;
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
    positive("--session-ttl-ms", sessionTtlMs);
    positive("--stick-hold-ms", stickHoldMs);
    positive("--login-tail", loginTail + 1L);
    positive("--history-page", historyPage);
    if (historyPage > 200) {
      throw new ParameterException(spec.commandLine(), "--history-page is at most 200, the spec's limit of history's limit");
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
    ServerLimits limits = new ServerLimits(appendChars, messageChars, bodyBytes, batchCalls, checkCapMs,
        rate, burst, Duration.ofMillis(sessionTtlMs), Duration.ofMillis(stickHoldMs), loginTail, historyPage);
    return new ServerConfig(host, port, limits, floor(floor), initial, ServerConfig.DEFAULT_SHUTDOWN_GRACE,
        inMemory ? null : dataDir);
  }

  private FloorPolicy floor(String name) {
    for (FloorPolicy p : FloorPolicy.values()) {
      if (p.wireName().equals(name)) {
        return p;
      }
    }
    throw new ParameterException(spec.commandLine(), "not a floor policy: " + name + " (open or stick)");
  }

  private void positive(String option, long value) {
    if (value <= 0) {
      throw new ParameterException(spec.commandLine(), option + " must be positive");
    }
  }
}
