package dev.parley.server.room;

import java.security.SecureRandom;
import java.util.Base64;

/** Session tokens: 192 random bits, URL-safe base64. */
final class SessionTokens {
  private static final SecureRandom RANDOM = new SecureRandom();

  private SessionTokens() {}

  static String create() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
