package dev.parley.spec;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON mappers of Parley. Every mapper that writes what another process reads starts here, so
 * that the wire format is the same from every module: UTF-8 as it is, with no character escaped
 * that JSON does not require. Jackson's byte writer otherwise escapes a character outside the Basic
 * Multilingual Plane as two {@code \\uXXXX} surrogates: 12 bytes for an emoji that UTF-8 writes in
 * 4.
 */
public final class Json {
  private Json() {}

  /** A builder with Parley's wire settings, for mappers that need more of their own. */
  public static JsonMapper.Builder builder() {
    return JsonMapper.builder()
        .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
        .disable(JsonWriteFeature.ESCAPE_NON_ASCII);
  }

  /** A mapper with Parley's wire settings. */
  public static JsonMapper mapper() {
    return builder().build();
  }
}
