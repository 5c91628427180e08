package dev.parley.client;

import java.net.URI;

/** The daemon could not be reached, or the connection broke before its answer arrived. */
public final class ConnectionLostException extends RuntimeException {
  /**
   * @param server the daemon's address
   * @param cause what the transport said
   */
  public ConnectionLostException(URI server, Throwable cause) {
    super("No answer from " + server + ": " + cause.getMessage(), cause);
  }
}
