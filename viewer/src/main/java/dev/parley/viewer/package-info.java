/**
 * The viewer: a plain HTML/CSS/JS page and the {@code /observe} frame stream, built from the
 * daemon's typed room events ({@link dev.parley.viewer.ViewerExtension}, an extension of the
 * daemon) or from a conversation log ({@code parley replay}). It depends on the spec and the
 * extension API, not on the server.
 */
package dev.parley.viewer;
