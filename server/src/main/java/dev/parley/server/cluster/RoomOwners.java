package dev.parley.server.cluster;

import dev.parley.server.room.RoomHome;
import dev.parley.server.store.PostgresStore;
import dev.parley.server.store.StoreException;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which daemon serves each room, among several sharing one PostgreSQL database.
 *
 * <p>A room's owner holds a session-level advisory lock on the room's {@code lock_id} (table {@code
 * room_owners}), on one connection of its own, for as long as it lives: PostgreSQL is the arbiter,
 * and a daemon that dies (or loses its connection) frees its rooms at once. Taking a room bumps its
 * {@code epoch} and records this daemon's address; every commit of the owner checks the epoch in
 * the same transaction (see {@code PostgresStore#commit(List, Map)}), so a daemon that lost a room
 * cannot write for it after another took it over.
 */
public final class RoomOwners implements RoomHome, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RoomOwners.class);

  /** The advisory locks' class key: "prom" in ASCII, one lock per room under it. */
  private static final int LOCK_CLASS = 0x70726f6d;

  /** Most owners of other daemons' rooms remembered; beyond, they are asked again. */
  private static final int REMEMBERED = 10_000;

  /** How often the lock connection is checked, so that a lost one gives up its rooms soon. */
  private static final long CHECK_EVERY_MS = 1_000;

  /** Where a room is served. */
  public sealed interface Owner {
    /** By this daemon, under {@code epoch}. */
    record Here(long epoch) implements Owner {}

    /** By the daemon at {@code node}. */
    record There(URI node) implements Owner {}

    /** By a daemon that has not said where yet, or that has just gone: ask again shortly. */
    record Unsettled() implements Owner {}
  }

  private final PostgresStore store;
  private final Supplier<URI> self;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Long> here = new ConcurrentHashMap<>();
  private final Map<String, URI> there = new ConcurrentHashMap<>();
  private final Thread checker;
  private volatile Consumer<String> lost = room -> {};
  private Connection locks;
  private volatile boolean closed;

  /**
   * @param store the shared store, whose database holds the owners
   * @param self this daemon's address for the others, asked when it first takes a room
   */
  public RoomOwners(PostgresStore store, Supplier<URI> self) {
    this.store = store;
    this.self = self;
    this.locks = store.dedicatedConnection();
    this.checker =
        Thread.ofVirtual().name("parley-room-owners").start(this::checkConnectionPeriodically);
  }

  /** Tells {@code listener} of each room this daemon stopped owning without giving it up. */
  public void onLost(Consumer<String> listener) {
    this.lost = listener;
  }

  @Override
  public boolean alone() {
    return false;
  }

  /**
   * Where {@code room} is served. When no daemon holds it, this one takes it: the answer is then
   * {@link Owner.Here}, and the caller must serve it.
   */
  public Owner locate(String room) {
    Long epoch = here.get(room);
    if (epoch != null) {
      return new Owner.Here(epoch);
    }
    URI known = there.get(room);
    if (known != null) {
      return new Owner.There(known);
    }
    lock.lock();
    try {
      epoch = here.get(room);
      if (epoch != null) {
        return new Owner.Here(epoch);
      }
      return claim(room);
    } catch (SQLException e) {
      connectionFailed(e);
      throw new StoreException("PostgreSQL: cannot tell who serves room " + room, e);
    } finally {
      lock.unlock();
    }
  }

  /** Forgets where {@code room} was said to be served: its daemon did not answer as the owner. */
  public void forget(String room, URI node) {
    there.remove(room, node);
  }

  @Override
  public boolean owns(String room, long epoch) {
    Long mine = here.get(room);
    if (mine == null || mine != epoch) {
      return false;
    }
    lock.lock();
    try (PreparedStatement ps =
        locks.prepareStatement("SELECT epoch FROM room_owners WHERE room = ?")) {
      ps.setString(1, room);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next() && rs.getLong(1) == epoch) {
          return true;
        }
      }
      here.remove(room, epoch);
      return false;
    } catch (SQLException e) {
      connectionFailed(e);
      return false;
    } finally {
      lock.unlock();
    }
  }

  /** The rooms this daemon serves now, with their epochs. */
  public Map<String, Long> owned() {
    return Map.copyOf(here);
  }

  private Owner claim(String room) throws SQLException {
    try (PreparedStatement ps =
        locks.prepareStatement(
            "INSERT INTO room_owners (room) VALUES (?) ON CONFLICT (room) DO NOTHING")) {
      ps.setString(1, room);
      ps.executeUpdate();
    }
    int lockId;
    String node;
    try (PreparedStatement ps =
        locks.prepareStatement("SELECT lock_id, node_url FROM room_owners WHERE room = ?")) {
      ps.setString(1, room);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        lockId = rs.getInt(1);
        node = rs.getString(2);
      }
    }
    boolean taken;
    try (PreparedStatement ps = locks.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
      ps.setInt(1, LOCK_CLASS);
      ps.setInt(2, lockId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        taken = rs.getBoolean(1);
      }
    }
    URI me = self.get();
    if (!taken) {
      if (node == null || node.equals(me.toString())) {
        // Taken by a daemon that has not recorded itself yet, or by this address's previous life
        // whose connection PostgreSQL has not seen close yet.
        return new Owner.Unsettled();
      }
      URI owner = URI.create(node);
      if (there.size() >= REMEMBERED) {
        there.clear();
      }
      there.put(room, owner);
      return new Owner.There(owner);
    }
    long epoch;
    try (PreparedStatement ps =
        locks.prepareStatement(
            "UPDATE room_owners SET node_url = ?, epoch = epoch + 1 WHERE room = ? RETURNING epoch")) {
      ps.setString(1, me.toString());
      ps.setString(2, room);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        epoch = rs.getLong(1);
      }
    }
    here.put(room, epoch);
    there.remove(room);
    LOG.info("This daemon ({}) now serves room {}, owner epoch {}", me, room, epoch);
    return new Owner.Here(epoch);
  }

  /**
   * The lock connection failed: its locks may be gone with it, so every room this daemon served is
   * given up (the fencing epochs keep a late commit out either way), and a new connection is made.
   */
  private void connectionFailed(SQLException e) {
    if (closed) {
      return;
    }
    Set<String> gone = Set.copyOf(here.keySet());
    here.clear();
    there.clear();
    try {
      locks.close();
    } catch (SQLException ignored) {
      // It failed already: closing is only tidying up.
    }
    if (!gone.isEmpty()) {
      LOG.warn(
          "Lost the connection that holds this daemon's rooms ({}): giving up {}",
          e.getMessage(),
          gone);
    }
    gone.forEach(lost);
    try {
      locks = store.dedicatedConnection();
    } catch (RuntimeException again) {
      LOG.warn("Cannot reconnect to PostgreSQL yet: {}", again.getMessage());
    }
  }

  private void checkConnectionPeriodically() {
    while (!closed) {
      try {
        Thread.sleep(CHECK_EVERY_MS);
      } catch (InterruptedException e) {
        return;
      }
      lock.lock();
      try {
        if (locks.isClosed()) {
          locks = store.dedicatedConnection();
        } else if (!locks.isValid(5)) {
          throw new SQLException("the connection no longer answers");
        }
      } catch (SQLException e) {
        connectionFailed(e);
      } catch (RuntimeException e) {
        LOG.warn("Cannot reconnect to PostgreSQL yet: {}", e.getMessage());
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * The secret the daemons of this database share: a forwarded call carries it, so that its owner
   * may trust the client address the forwarder gives.
   */
  public String secret() {
    return store.clusterSecret();
  }

  @Override
  public void close() {
    closed = true;
    checker.interrupt();
    lock.lock();
    try {
      locks.close();
    } catch (SQLException ignored) {
      // Closing the connection gives up its locks, which is all that is wanted here.
    } finally {
      lock.unlock();
    }
  }
}
