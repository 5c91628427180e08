package dev.parley.extension;

import java.util.function.Predicate;

/**
 * The daemon's access keys, as an extension needs them: whether a key is one, and which rooms its
 * holder may watch. The keys file may change while the daemon runs, so ask on each use.
 */
public interface AccessCheck {

  /**
   * The name of the entry that holds {@code key} (the username it logs in as, or their prefix), or
   * null when none does.
   *
   * @param key a bearer token, or null
   */
  String keyName(String key);

  /**
   * The rooms the holder of {@code credential} may watch, asked again for every frame so that a
   * removed key stops seeing them. Refuses with the protocol's {@link
   * dev.parley.api.AccessDeniedException} (its reason says why: no key, an unknown one, one that
   * may not observe); the predicate throws it too once the holder may no longer watch at all.
   *
   * @param credential an access key, or null
   */
  Predicate<String> observer(String credential);
}
