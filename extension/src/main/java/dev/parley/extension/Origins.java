package dev.parley.extension;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.api.InvalidRequestException;
import dev.parley.spec.Json;
import dev.parley.spec.JsonRpcErrors;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Which requests a browser may make to the daemon: one policy for every door ({@code /rpc}, {@code
 * /observe}, {@code /mcp}, the viewer). Nothing on the daemon is authenticated, so a web page the
 * user happens to visit must not be able to read the rooms or speak in them.
 *
 * <ul>
 *   <li>The {@code Host} a request names must be one of this daemon's names: {@code localhost}, an
 *       address of {@code 127.0.0.0/8}, {@code [::1]}, the address it listens on, or a name given
 *       as allowed. This is what stops DNS rebinding: a page of {@code evil.example} whose name was
 *       made to point at this machine sends {@code Host: evil.example}. A daemon listening on every
 *       address ({@code 0.0.0.0} or {@code ::}) also answers any IP address, since a page can only
 *       name an address literally by being served from it.
 *   <li>The {@code Origin} (the page that makes the request; programs send none) must name one of
 *       those names too, or the very host the request names (a page this daemon served).
 * </ul>
 */
public final class Origins {
  private static final ObjectMapper JSON = Json.mapper();
  private static final Pattern IPV4 =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

  private final Set<String> names = new HashSet<>();
  private final Set<InetAddress> addresses = new HashSet<>();
  private final boolean anyAddress;

  private Origins(String listenHost, Collection<String> allowedHosts) {
    boolean wildcard = listenHost == null || listenHost.isBlank();
    for (String name : allowedHosts) {
      add(name);
    }
    if (!wildcard) {
      InetAddress literal = literal(normalize(listenHost));
      wildcard = literal != null && literal.isAnyLocalAddress();
      if (!wildcard) {
        add(listenHost);
      }
    }
    this.anyAddress = wildcard;
  }

  /**
   * The policy of a daemon listening on {@code listenHost}.
   *
   * @param listenHost the address or name it listens on; null or a wildcard address: all of them
   * @param allowedHosts further names by which browsers reach it (such as a name in the local
   *     network), each without a port
   */
  public static Origins of(String listenHost, Collection<String> allowedHosts) {
    return new Origins(listenHost, allowedHosts);
  }

  private void add(String name) {
    String host = normalize(name);
    InetAddress literal = literal(host);
    if (literal != null) {
      addresses.add(literal);
    } else {
      names.add(host);
    }
  }

  /**
   * Why {@code request} may not be served, in words for its sender; null when it may. Requests
   * without a {@code Host} (HTTP/1.0 programs) are judged by their {@code Origin} alone.
   */
  public String refusal(Request request) {
    String host = normalize(request.getHttpURI().getHost());
    if (host != null && !host.isEmpty() && !hostAllowed(host)) {
      return "the Host "
          + host
          + " is not a name of this daemon: reach it as localhost or 127.0.0.1, by the address it"
          + " listens on, or by a name given with --allowed-host (so that no other site's page can reach it by"
          + " DNS rebinding)";
    }
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (origin != null && !originAllowed(origin.trim(), host)) {
      return "web pages of other sites may not call this daemon (Origin " + origin.trim() + ")";
    }
    return null;
  }

  /**
   * Wraps {@code next}: a request this policy refuses is answered 403 with a JSON-RPC error object.
   */
  public Handler guard(Handler next) {
    return new Handler.Wrapper(next) {
      @Override
      public boolean handle(Request request, Response response, Callback callback)
          throws Exception {
        String refusal = refusal(request);
        if (refusal == null) {
          return super.handle(request, response, callback);
        }
        response.setStatus(HttpStatus.FORBIDDEN_403);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(refusalBody(refusal)), callback);
        return true;
      }
    };
  }

  /**
   * Every door answers a refusal alike: {@code /rpc} and {@code /mcp} speak JSON-RPC, and this is
   * its error.
   */
  private static byte[] refusalBody(String detail) throws Exception {
    return JSON.writeValueAsBytes(
        JsonRpcErrors.response(
            null,
            InvalidRequestException.CODE,
            InvalidRequestException.MESSAGE,
            JSON.createObjectNode().put("detail", detail)));
  }

  private boolean hostAllowed(String host) {
    if (known(host)) {
      return true;
    }
    return anyAddress && literal(host) != null;
  }

  private boolean originAllowed(String origin, String requestHost) {
    URI uri;
    try {
      uri = URI.create(origin);
    } catch (IllegalArgumentException e) {
      return false;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = normalize(uri.getHost());
    if (!(scheme.equals("http") || scheme.equals("https")) || host == null || host.isEmpty()) {
      return false;
    }
    return known(host) || host.equals(requestHost);
  }

  /** The loopback names, and the names this daemon was given. */
  private boolean known(String host) {
    if (host.equals("localhost") || names.contains(host)) {
      return true;
    }
    InetAddress literal = literal(host);
    return literal != null && (literal.isLoopbackAddress() || addresses.contains(literal));
  }

  /**
   * Lower case, without IPv6 brackets or the trailing dot of a fully qualified name; null stays
   * null.
   */
  private static String normalize(String host) {
    if (host == null) {
      return null;
    }
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h;
  }

  /** The address {@code host} spells, if it is an IP literal; never a DNS lookup. */
  private static InetAddress literal(String host) {
    try {
      if (host.indexOf(':') >= 0) {
        // In brackets the JDK parses an IPv6 literal or fails; it never resolves a name.
        return InetAddress.getByName("[" + host + "]");
      }
      var m = IPV4.matcher(host);
      if (m.matches()) {
        for (int i = 1; i <= 4; i++) {
          if (Integer.parseInt(m.group(i)) > 255) {
            return null;
          }
        }
        return InetAddress.getByName(host);
      }
    } catch (UnknownHostException e) {
      return null;
    }
    return null;
  }
}
