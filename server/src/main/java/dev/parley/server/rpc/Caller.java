package dev.parley.server.rpc;

/**
 * Who makes a call, as the transport knows it: handed to {@link ParleyRpcService} with each call's
 * params.
 *
 * @param bearer the session token the call carries, or null
 * @param address the client's address, by which calls that reach no live session are limited; null
 *     for a caller inside the process
 * @param rpcUrl the URL of the endpoint as the client reached it; null for a caller inside the
 *     process
 * @param socket the WebSocket the call came on, or null for HTTP (and callers inside the process)
 */
record Caller(String bearer, String address, String rpcUrl, SocketBinding socket) {
  Caller(String bearer, String address) {
    this(bearer, address, null, null);
  }
}
