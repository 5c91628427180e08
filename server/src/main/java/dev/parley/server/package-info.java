/**
 * The daemon ({@link dev.parley.server.ParleyServer}): Jetty, the JSON-RPC door, the room engine
 * and its stores. The viewer and the MCP bridge are not part of it: they are {@link
 * dev.parley.extension.Extension}s it finds on its classpath and mounts behind its origin policy,
 * giving each an {@link dev.parley.extension.ExtensionContext}. Without any, it serves {@code
 * /rpc}, {@code /openrpc.json}, {@code /health}, {@code /metrics} and {@code /stats}.
 */
package dev.parley.server;
