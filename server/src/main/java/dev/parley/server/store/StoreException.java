package dev.parley.server.store;

/** A failed store operation: a server fault, reported to clients as an internal error. */
public class StoreException extends RuntimeException {
  /**
   * @param message what failed, in plain words
   * @param cause the driver's error
   */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
