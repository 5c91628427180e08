package dev.parley.extension;

/**
 * Why {@link ExtensionContext#history} cannot answer: a caller's mistake, to be told plainly (an
 * HTTP door answers it with a 4xx), never a failure of the daemon.
 */
public final class HistoryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What was wrong with the request. */
  public enum Problem {
    /** The daemon has no room of that name. */
    UNKNOWN_ROOM,
    /** The message id is not one of the room's (malformed, or beyond its log). */
    UNKNOWN_MESSAGE
  }

  private final Problem problem;

  /**
   * @param problem what was wrong
   * @param message a sentence for the caller, naming what it sent
   */
  public HistoryException(Problem problem, String message) {
    super(message);
    this.problem = problem;
  }

  /** What was wrong with the request. */
  public Problem problem() {
    return problem;
  }
}
