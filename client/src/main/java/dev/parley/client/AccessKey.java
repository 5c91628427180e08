package dev.parley.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the commands find the access key of a daemon with access control: a key file, else the
 * {@code PARLEY_KEY} environment variable; never a command-line argument, which other users of the
 * machine could read.
 */
public final class AccessKey {
  /** The environment variable that holds an access key. */
  public static final String ENV = "PARLEY_KEY";

  private AccessKey() {}

  /**
   * The key from {@code keyFile} (trimmed) when one is given, else from {@value #ENV}; null when
   * neither holds one.
   *
   * @throws IllegalArgumentException when the key file cannot be read, saying which and why
   */
  public static String find(Path keyFile) {
    if (keyFile != null) {
      try {
        String key = Files.readString(keyFile).trim();
        return key.isEmpty() ? null : key;
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "--key-file: cannot read " + keyFile + ": " + e.getMessage(), e);
      }
    }
    String key = System.getenv(ENV);
    return key == null || key.isBlank() ? null : key.trim();
  }
}
