package dev.parley.viewer.observe;

import java.net.URI;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * Which web pages may talk to the daemon. A browser names the page that makes a request in its
 * {@code Origin} header; programs (curl, the clients, agents) send none and are always let in.
 * A page is let in only when it is served by this same host or by the local machine, so that a
 * site the user happens to visit cannot read the rooms or speak in them (nor reach them
 * through DNS rebinding).
 */
public final class Origins {
  private static final Set<String> LOCAL = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

  private Origins() {}

  /** Whether {@code request} comes from a program or from a page this daemon may serve. */
  public static boolean allowed(Request request) {
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (origin == null) {
      return true;
    }
    String host;
    try {
      host = URI.create(origin.trim()).getHost();
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (host == null) {
      return false;
    }
    host = host.toLowerCase(Locale.ROOT);
    return LOCAL.contains(host) || host.equalsIgnoreCase(Request.getServerName(request));
  }
}
