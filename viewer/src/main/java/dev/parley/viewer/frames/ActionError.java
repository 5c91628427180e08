package dev.parley.viewer.frames;

/**
 * The protocol error an action ended with, as observers see it.
 *
 * @param code the JSON-RPC error code
 * @param message its message
 */
public record ActionError(int code, String message) {}
