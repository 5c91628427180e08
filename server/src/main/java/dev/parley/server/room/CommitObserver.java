package dev.parley.server.room;

/**
 * Hears each batch the writer committed, on the writer's thread right after the commit: it must be
 * quick and must not block, or it delays every call waiting on the next batch.
 */
@FunctionalInterface
public interface CommitObserver {
  /** Hears nothing. */
  CommitObserver NONE = (calls, writes, nanos) -> {};

  /**
   * One batch was stored.
   *
   * @param calls the calls it held
   * @param writes the writes it stored, after coalescing
   * @param nanos how long the store took to commit it
   */
  void committed(int calls, int writes, long nanos);
}
