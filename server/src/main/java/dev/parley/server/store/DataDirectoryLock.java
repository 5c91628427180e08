package dev.parley.server.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The claim of one daemon on its data directory: {@code DIR/parley.lock}, locked for as long as the
 * daemon runs and holding its pid. Two daemons on one database would each number messages from
 * their own cached sequences and clash; the second is refused at start instead, with the holder's
 * pid. The operating system drops the lock when the process ends, however it ends, so a crashed
 * daemon never leaves a directory locked. Readers ({@code parley export}) take no lock.
 */
public final class DataDirectoryLock implements AutoCloseable {
  /** The lock file inside the data directory. */
  public static final String FILE = "parley.lock";

  /**
   * The directories locked by this process. A file lock belongs to the whole process (a second lock
   * from the same JVM would throw, and closing any channel to the file could release the first), so
   * a second daemon of this process is refused here, before the file is opened.
   */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path dir;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(Path dir, FileChannel channel, FileLock lock) {
    this.dir = dir;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code dataDir} (created when missing) for this process.
   *
   * @throws IllegalStateException when another daemon holds it, naming that daemon's pid
   */
  public static DataDirectoryLock acquire(Path dataDir) {
    Path dir;
    try {
      Files.createDirectories(dataDir);
      dir = dataDir.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot create the data directory " + dataDir.toAbsolutePath(), e);
    }
    long pid = ProcessHandle.current().pid();
    if (!HELD.add(dir)) {
      throw inUse(dir, pid + ", this very process");
    }
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(
              dir.resolve(FILE),
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw inUse(dir, holder(channel));
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((pid + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
      channel.force(true);
      return new DataDirectoryLock(dir, channel, lock);
    } catch (IOException | RuntimeException e) {
      HELD.remove(dir);
      closeQuietly(channel);
      if (e instanceof IOException io) {
        throw new UncheckedIOException(
            "Cannot lock the data directory " + dir + ": " + io.getMessage(), io);
      }
      throw (RuntimeException) e;
    }
  }

  private static InUseException inUse(Path dir, String holder) {
    return new InUseException(dir, holder);
  }

  /**
   * The directory is held by another daemon; commands other than {@code serve} word it their own
   * way.
   */
  public static final class InUseException extends IllegalStateException {
    private final transient Path dir;
    private final String holder;

    InUseException(Path dir, String holder) {
      super(
          "The data directory "
              + dir
              + " is in use by another Parley daemon (pid "
              + holder
              + "): stop that daemon first, or give this one another --data-dir");
      this.dir = dir;
      this.holder = holder;
    }

    /** The directory, as its real path. */
    public Path dir() {
      return dir;
    }

    /** The holder's pid as it wrote it, or a word saying it has not written one yet. */
    public String holder() {
      return holder;
    }
  }

  /** The pid the holder wrote, or a word saying it has not written one yet. */
  private static String holder(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(32);
    channel.read(buffer, 0);
    String pid = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
    return pid.isEmpty() ? "unknown" : pid;
  }

  /** Releases the directory. */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // The channel is closed next, which releases it anyway.
    } finally {
      closeQuietly(channel);
      HELD.remove(dir);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing more to release.
    }
  }
}
