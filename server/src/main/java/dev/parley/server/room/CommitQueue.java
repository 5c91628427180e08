package dev.parley.server.room;

import dev.parley.extension.events.RoomEvent;
import dev.parley.extension.events.RoomEventListener;
import dev.parley.server.store.Store;
import dev.parley.server.store.StoreException;
import dev.parley.server.store.Write;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer (group commit): calls queue their changes here under their room's lock, and a
 * single thread commits whatever is queued in one store transaction, one fsync for the whole batch,
 * then completes every call of the batch, wakes the rooms' pending checks and hands the batch's
 * events to the publishing thread. The queue is FIFO, so a room's changes and events keep their
 * order, and a call that waits for its own changes also waits for everything it saw.
 *
 * <p>When a commit fails, none of the batch was stored: its calls fail, its events are dropped, and
 * each of its rooms is marked so that nothing more of it is committed until the engine has reloaded
 * that room from the store (see {@link Room#epoch}).
 */
final class CommitQueue implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CommitQueue.class);

  /** Event batches waiting for the publisher; past this the writer waits (backpressure). */
  private static final int PUBLISH_BACKLOG = 1024;

  /** How long stopping waits for the writer and the publisher to finish what is queued. */
  private static final java.time.Duration STOP_WAIT = java.time.Duration.ofSeconds(30);

  /**
   * One call's changes.
   *
   * @param room the room they belong to
   * @param epoch the room's epoch when they were decided
   * @param writes what to store
   * @param events what to publish once stored
   * @param appendedThrough the highest sequence number among the messages it appends, 0 for none
   * @param done completes when stored, or fails
   */
  record Tx(
      Room room,
      long epoch,
      List<Write> writes,
      List<RoomEvent> events,
      long appendedThrough,
      CompletableFuture<Void> done) {}

  private final Store store;
  private final RoomEventListener listener;
  private final int backlog;
  private final Consumer<Room> recover;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition queued = lock.newCondition();
  private List<Tx> pending = new ArrayList<>();
  private volatile int queuedCalls;
  private final BlockingQueue<List<RoomEvent>> toPublish =
      new ArrayBlockingQueue<>(PUBLISH_BACKLOG);
  private final Thread writer;
  private final Thread publisher;
  private final CommitStats stats = new CommitStats();
  private volatile CommitObserver observer = CommitObserver.NONE;
  private volatile boolean closed;

  /**
   * @param store where to commit
   * @param listener hears the events of what was committed
   * @param recover reloads a room from the store after one of its commits failed
   * @param backlog calls queued beyond which even a call that need not wait for the store does (a
   *     slow or stalled disk then slows its callers down instead of filling the heap)
   */
  CommitQueue(Store store, RoomEventListener listener, Consumer<Room> recover, int backlog) {
    this.store = store;
    this.backlog = backlog;
    this.listener = listener;
    this.recover = recover;
    this.writer = Thread.ofPlatform().name("parley-writer").daemon().start(this::writeLoop);
    this.publisher = Thread.ofPlatform().name("parley-events").daemon().start(this::publishLoop);
  }

  /**
   * Queues one call's changes; under the room's lock, so that a room's changes keep their order.
   */
  CompletableFuture<Void> submit(
      Room room, List<Write> writes, List<RoomEvent> events, long appendedThrough) {
    Tx tx = new Tx(room, room.epoch, writes, events, appendedThrough, new CompletableFuture<>());
    lock.lock();
    try {
      if (closed) {
        tx.done.completeExceptionally(
            new StoreException("the daemon is stopping: nothing more is stored", null));
        return tx.done;
      }
      pending.add(tx);
      queuedCalls = pending.size();
      queued.signal();
    } finally {
      lock.unlock();
    }
    return tx.done;
  }

  /**
   * Whether more calls wait for the writer than it should hold: then every call waits for its
   * commit.
   */
  boolean congested() {
    return queuedCalls > backlog;
  }

  /** Completes once everything queued for {@code room} so far is stored. */
  CompletableFuture<Void> barrier(Room room) {
    return submit(room, List.of(), List.of(), 0);
  }

  /** Counts of batches and their sizes and durations. */
  CommitStats stats() {
    return stats;
  }

  /** Lets {@code observer} hear every batch committed from now on, in place of the previous one. */
  void observe(CommitObserver observer) {
    this.observer = observer;
  }

  /** Stores what is queued, then stops the writer and the publisher. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      queued.signal();
    } finally {
      lock.unlock();
    }
    join(writer);
    join(publisher);
  }

  private void writeLoop() {
    while (true) {
      List<Tx> batch;
      lock.lock();
      try {
        while (pending.isEmpty() && !closed) {
          queued.awaitUninterruptibly();
        }
        if (pending.isEmpty()) {
          break;
        }
        batch = pending;
        pending = new ArrayList<>();
        queuedCalls = 0;
      } finally {
        lock.unlock();
      }
      commit(batch);
    }
    // The end of the stream: the publisher stops once it has published everything before it.
    try {
      toPublish.put(List.of());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void commit(List<Tx> batch) {
    List<Tx> live = new ArrayList<>(batch.size());
    for (Tx tx : batch) {
      if (tx.room.poisoned || tx.epoch != tx.room.epoch) {
        tx.done.completeExceptionally(
            new StoreException(
                "room "
                    + tx.room.name
                    + ": an earlier commit failed, so this change was not stored",
                null));
      } else {
        live.add(tx);
      }
    }
    List<Write> writes = coalesce(live);
    Map<String, Long> owners = new HashMap<>();
    for (Tx tx : live) {
      if (tx.room.ownerEpoch > 0) {
        owners.put(tx.room.name, tx.room.ownerEpoch);
      }
    }
    long started = System.nanoTime();
    try {
      store.commit(writes, owners);
    } catch (RuntimeException | Error e) {
      failed(live, e);
      return;
    }
    long took = System.nanoTime() - started;
    stats.committed(live.size(), writes.size(), took);
    observer.committed(live.size(), writes.size(), took);
    Map<Room, Long> appended = new HashMap<>();
    List<RoomEvent> events = new ArrayList<>();
    for (Tx tx : live) {
      if (tx.appendedThrough > 0) {
        appended.merge(tx.room, tx.appendedThrough, Math::max);
      }
      events.addAll(tx.events);
    }
    appended.forEach(Room::durable);
    for (Tx tx : live) {
      tx.done.complete(null);
    }
    if (!events.isEmpty()) {
      try {
        toPublish.put(events);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The batch's writes in order, with each session saved once, at its first place in the batch and
   * with its last state: the store ends where the batch ended, with fewer statements.
   */
  private static List<Write> coalesce(List<Tx> txs) {
    Map<String, Integer> saved = new HashMap<>();
    List<Write> out = new ArrayList<>();
    for (Tx tx : txs) {
      for (Write w : tx.writes) {
        if (w instanceof Write.SaveSession s) {
          Integer at = saved.putIfAbsent(s.session().tokenHash(), out.size());
          if (at != null) {
            out.set(at, w);
            continue;
          }
        }
        out.add(w);
      }
    }
    return out;
  }

  private void failed(List<Tx> live, Throwable e) {
    Set<Room> rooms = new LinkedHashSet<>();
    for (Tx tx : live) {
      rooms.add(tx.room);
    }
    LOG.error(
        "A commit of {} calls in {} failed; they were not stored: {}",
        live.size(),
        rooms.stream().map(r -> r.name).toList(),
        e.getMessage());
    for (Room room : rooms) {
      room.poisoned = true;
    }
    StoreException failure =
        e instanceof StoreException se ? se : new StoreException(String.valueOf(e.getMessage()), e);
    for (Tx tx : live) {
      tx.done.completeExceptionally(failure);
    }
    for (Room room : rooms) {
      Thread.ofVirtual().name("parley-recover-" + room.name).start(() -> recover.accept(room));
    }
  }

  private void publishLoop() {
    while (true) {
      List<RoomEvent> events;
      try {
        events = toPublish.take();
      } catch (InterruptedException e) {
        return;
      }
      if (events.isEmpty()) {
        return;
      }
      for (RoomEvent event : events) {
        try {
          listener.on(event);
        } catch (Throwable e) {
          // A subscriber's failure must not stop the stream: the writer would wait on it forever.
          LOG.error("A room event subscriber failed on {}", event.getClass().getSimpleName(), e);
        }
      }
    }
  }

  /**
   * Waits for {@code t} to finish, but not for ever: a store that hangs must not hang the daemon's
   * stop.
   */
  private static void join(Thread t) {
    try {
      if (!t.join(STOP_WAIT)) {
        LOG.warn(
            "{} did not finish within {} s; stopping without it",
            t.getName(),
            STOP_WAIT.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Counts of the writer's work, for health and metrics. */
  static final class CommitStats {
    private long batches;
    private long calls;
    private long writes;
    private long nanos;

    synchronized void committed(int batchCalls, int batchWrites, long took) {
      batches++;
      calls += batchCalls;
      writes += batchWrites;
      nanos += took;
    }

    /** Batches committed so far. */
    synchronized long batches() {
      return batches;
    }

    /** Calls those batches held. */
    synchronized long calls() {
      return calls;
    }

    /** Writes those batches held, after coalescing. */
    synchronized long writes() {
      return writes;
    }

    /** Time spent committing, in nanoseconds. */
    synchronized long nanos() {
      return nanos;
    }
  }
}
