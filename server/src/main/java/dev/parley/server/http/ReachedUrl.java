package dev.parley.server.http;

import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;

/**
 * The URL of {@code POST /rpc} as a client reached the daemon: the scheme, host and port its
 * request went to (the {@code Host} header, as the origin guard admitted it), with the endpoint's
 * path. {@code rpc.discover} and {@code GET /openrpc.json} name it in {@code servers}, so that a
 * tool reading the document calls the daemon it read it from, whatever address that listens on.
 */
public final class ReachedUrl {
  /** The path of the JSON-RPC endpoint. */
  public static final String RPC = "/rpc";

  private ReachedUrl() {}

  /** The {@code /rpc} URL on the scheme, host and port {@code request} reached. */
  public static String rpc(Request request) {
    HttpURI reached = request.getHttpURI();
    return HttpURI.build(reached, RPC).user(null).asString();
  }
}
