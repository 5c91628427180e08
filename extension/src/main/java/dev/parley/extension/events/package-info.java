/**
 * The typed events of the rooms, published by the engine after each change commits, and the
 * listener interface every subscriber (the conversation log, the viewer's frames) implements.
 */
package dev.parley.extension.events;
