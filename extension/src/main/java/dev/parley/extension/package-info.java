/**
 * The extension API: what a module implements to plug into the daemon ({@link
 * dev.parley.extension.Extension}, given an {@link dev.parley.extension.ExtensionContext}), the
 * origin policy in front of every door ({@link dev.parley.extension.Origins}), and what the daemon
 * and its extensions share: the typed room events ({@link dev.parley.extension.events}), the
 * conversation log's format ({@link dev.parley.extension.LogFormat}) and the protocol's timestamps.
 * It depends on the spec alone (and Jetty's handler type), so the viewer and the MCP bridge plug
 * into the daemon without depending on the server.
 */
package dev.parley.extension;
