package dev.parley.server.conformance;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One conformance vector: a file of {@code spec/conformance}, the calls of each participant in
 * order and what each answer must contain.
 *
 * @param name the file's name without {@code .json}
 * @param description what the scenario shows
 * @param steps the calls, in order (see {@link ConformanceRunner} for what a step says)
 */
public record Scenario(String name, String description, JsonNode steps) {}
