package dev.parley.mcp.guard;

import java.util.UUID;
import org.slf4j.Logger;

/**
 * An internal failure: its details go to the log under a fresh id, and the client is given only the
 * id to quote, never the server's internals (exception classes, messages, stack frames).
 */
public final class Incident {
  private Incident() {}

  /**
   * Logs {@code what} (with {@code cause}, which may be {@code null}) at warning level under a new
   * incident id and returns the id.
   */
  public static String log(Logger log, String what, Throwable cause) {
    String id = UUID.randomUUID().toString();
    log.warn("{} (incident {})", LogSafe.escape(what), id, cause);
    return id;
  }

  /** What a client is told about the incident {@code id}: where its details are. */
  public static String message(String id, String whereLogged) {
    return "Internal error (incident "
        + id
        + " in "
        + whereLogged
        + "). Try again; if it keeps failing, report"
        + " the incident.";
  }
}
