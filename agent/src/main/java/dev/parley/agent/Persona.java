package dev.parley.agent;

import java.time.Duration;

/**
 * Who a persona is and how it behaves in the room.
 *
 * @param name its username
 * @param prompt its personality, the start of its system prompt
 * @param mode when it speaks
 * @param history the most recent conversation entries kept in its prompt
 * @param delay how long it pauses after each message it sends
 * @param maxSteps model calls in a row without a sent message after which it is stopped
 */
public record Persona(
    String name, String prompt, Mode mode, int history, Duration delay, int maxSteps) {}
