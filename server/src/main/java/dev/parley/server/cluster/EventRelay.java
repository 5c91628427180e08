package dev.parley.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.parley.extension.events.RoomEvent;
import dev.parley.extension.events.RoomEventListener;
import dev.parley.server.store.PostgresStore;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observers on any daemon see every room: each daemon tells the others the events of the rooms it
 * serves through PostgreSQL's LISTEN/NOTIFY on channel {@value #CHANNEL}, and hands the events the
 * others tell it to its own extensions, typed as they were made (see {@link RoomEventCodec}).
 *
 * <p>Events are sent in order, many in one NOTIFY; one too large for a NOTIFY's payload is stored
 * in {@code cluster_events} and the NOTIFY names its row. What waits to be sent is bounded in
 * bytes: beyond, events are dropped for the other daemons' observers (counted and logged), never
 * for this daemon's clients, whose answers do not depend on them.
 */
public final class EventRelay implements RoomEventListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventRelay.class);

  /** The channel the daemons of one database tell each other their rooms' events on. */
  static final String CHANNEL = "parley_events";

  /** Room to spare under PostgreSQL's 8000-byte NOTIFY payload limit. */
  private static final int PAYLOAD_BYTES = 7_800;

  private static final int WAIT_MS = 1_000;
  private static final long SPILL_KEEP_MS = 5 * 60_000;

  private final PostgresStore store;
  private final ObjectMapper mapper;
  private final RoomEventCodec codec;
  private final RoomEventListener here;
  private final long queueBytes;
  private final String node = UUID.randomUUID().toString();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition queued = lock.newCondition();
  private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
  private long pendingBytes;
  private long dropped;
  private final Thread sender;
  private final Thread receiver;
  private volatile boolean closed;

  /**
   * @param store the shared store
   * @param mapper writes and reads the API's types as on the wire
   * @param here hears the events of the rooms other daemons serve
   * @param queueBytes most bytes of events waiting to be sent
   */
  public EventRelay(
      PostgresStore store, ObjectMapper mapper, RoomEventListener here, long queueBytes) {
    this.store = store;
    this.mapper = mapper;
    this.codec = new RoomEventCodec(mapper);
    this.here = here;
    this.queueBytes = queueBytes;
    Connection listening = store.dedicatedConnection();
    try (Statement s = listening.createStatement()) {
      s.execute("LISTEN " + CHANNEL);
    } catch (SQLException e) {
      close(listening);
      throw new IllegalStateException("PostgreSQL: cannot LISTEN for room events", e);
    }
    this.receiver = Thread.ofVirtual().name("parley-events-in").start(() -> receive(listening));
    this.sender = Thread.ofVirtual().name("parley-events-out").start(this::send);
  }

  /** Queues an event of a room this daemon serves, for the other daemons. */
  @Override
  public void on(RoomEvent event) {
    byte[] encoded;
    try {
      encoded = mapper.writeValueAsBytes(codec.encode(event));
    } catch (Exception e) {
      LOG.error("Cannot encode {} for the other daemons", event.getClass().getSimpleName(), e);
      return;
    }
    lock.lock();
    try {
      if (pendingBytes + encoded.length > queueBytes) {
        if (dropped++ % 1000 == 0) {
          LOG.warn(
              "The other daemons' observers miss room events: {} bytes wait to be sent already",
              pendingBytes);
        }
        return;
      }
      pending.add(encoded);
      pendingBytes += encoded.length;
      queued.signal();
    } finally {
      lock.unlock();
    }
  }

  private void send() {
    Connection c = null;
    long lastPrune = 0;
    while (!closed) {
      List<byte[]> batch = new ArrayList<>();
      lock.lock();
      try {
        if (pending.isEmpty()) {
          queued.await(WAIT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        while (!pending.isEmpty()) {
          byte[] e = pending.poll();
          pendingBytes -= e.length;
          batch.add(e);
        }
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
      try {
        if (c == null || c.isClosed()) {
          c = store.dedicatedConnection();
        }
        if (!batch.isEmpty()) {
          sendInOrder(c, batch);
        }
        if (System.currentTimeMillis() - lastPrune > SPILL_KEEP_MS / 5) {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM cluster_events WHERE created < now() - ? * interval '1 millisecond'")) {
            ps.setLong(1, SPILL_KEEP_MS);
            ps.executeUpdate();
          }
          lastPrune = System.currentTimeMillis();
        }
      } catch (SQLException | RuntimeException e) {
        LOG.warn("Cannot tell the other daemons {} room events: {}", batch.size(), e.getMessage());
        close(c);
        c = null;
      }
    }
    close(c);
  }

  /** Sends {@code batch} in order: as many events per NOTIFY as fit, one transaction for all. */
  private void sendInOrder(Connection c, List<byte[]> batch) throws SQLException {
    String prefix = "{\"node\":\"" + node + "\",\"events\":[";
    c.setAutoCommit(false);
    try (PreparedStatement notify = c.prepareStatement("SELECT pg_notify(?, ?)");
        PreparedStatement spill =
            c.prepareStatement("INSERT INTO cluster_events (payload) VALUES (?) RETURNING id")) {
      List<String> together = new ArrayList<>();
      int bytes = prefix.length() + 2;
      for (byte[] e : batch) {
        String event = new String(e, StandardCharsets.UTF_8);
        if (prefix.length() + 2 + e.length > PAYLOAD_BYTES) {
          send(notify, prefix, together);
          bytes = prefix.length() + 2;
          spill.setString(1, event);
          long id;
          try (ResultSet rs = spill.executeQuery()) {
            rs.next();
            id = rs.getLong(1);
          }
          send(notify, "{\"node\":\"" + node + "\",\"spilled\":" + id + "}");
          continue;
        }
        if (bytes + e.length + 1 > PAYLOAD_BYTES) {
          send(notify, prefix, together);
          bytes = prefix.length() + 2;
        }
        together.add(event);
        bytes += e.length + 1;
      }
      send(notify, prefix, together);
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private static void send(PreparedStatement notify, String prefix, List<String> events)
      throws SQLException {
    if (events.isEmpty()) {
      return;
    }
    send(notify, prefix + String.join(",", events) + "]}");
    events.clear();
  }

  private static void send(PreparedStatement notify, String payload) throws SQLException {
    notify.setString(1, CHANNEL);
    notify.setString(2, payload);
    notify.executeQuery().close();
  }

  private void receive(Connection listening) {
    Connection c = listening;
    while (!closed) {
      try {
        if (c == null) {
          c = store.dedicatedConnection();
          try (Statement s = c.createStatement()) {
            s.execute("LISTEN " + CHANNEL);
          }
        }
        PGNotification[] got = c.unwrap(PGConnection.class).getNotifications(WAIT_MS);
        if (got == null) {
          continue;
        }
        for (PGNotification n : got) {
          deliver(c, n.getParameter());
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          break;
        }
        LOG.warn("Lost the other daemons' room events ({}); listening again", e.getMessage());
        close(c);
        c = null;
        try {
          Thread.sleep(WAIT_MS);
        } catch (InterruptedException stop) {
          break;
        }
      }
    }
    close(c);
  }

  private void deliver(Connection c, String payload) throws SQLException {
    JsonNode message;
    try {
      message = mapper.readTree(payload);
    } catch (Exception e) {
      LOG.warn("Not a room event payload on {}: {}", CHANNEL, e.getMessage());
      return;
    }
    if (node.equals(message.path("node").asText())) {
      return;
    }
    JsonNode events = message.get("events");
    if (message.has("spilled")) {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT payload FROM cluster_events WHERE id = ?")) {
        ps.setLong(1, message.get("spilled").asLong());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return;
          }
          ArrayNode one = mapper.createArrayNode();
          try {
            one.add(mapper.readTree(rs.getString(1)));
          } catch (Exception e) {
            LOG.warn("Not a room event in cluster_events: {}", e.getMessage());
            return;
          }
          events = one;
        }
      }
    }
    if (events == null) {
      return;
    }
    for (JsonNode e : events) {
      try {
        here.on(codec.decode(e));
      } catch (Exception failure) {
        LOG.error("A room event from another daemon could not be handed on", failure);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    lock.lock();
    try {
      queued.signalAll();
    } finally {
      lock.unlock();
    }
    join(sender);
    join(receiver);
  }

  private static void join(Thread t) {
    try {
      t.join(java.time.Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void close(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // Given up already.
      }
    }
  }
}
