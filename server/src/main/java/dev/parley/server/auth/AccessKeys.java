package dev.parley.server.auth;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.api.AccessDeniedException;
import dev.parley.extension.AccessCheck;
import dev.parley.server.room.LoginGate;
import dev.parley.spec.SpecDocument;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access control by keys: the keys file, its rules, and its editing by {@code parley keys}.
 *
 * <p>The file is JSON: {@code {"keys": [{"name": "alice", "key_sha256": "<hex>", "rooms":
 * ["release"], "observe": true, "moderator": false}]}}. Only the SHA-256 of each key is stored, so
 * a file that leaks gives no key away. A key may log in as its {@code name}, or as any username
 * under it ({@code bots} as {@code bots/alice}), into the rooms it lists ({@code *}: every room);
 * it may watch those rooms at {@code /observe} when {@code observe} is true. {@code moderator} is
 * recorded on its sessions for the moderation the protocol will have.
 *
 * <p>The file is read again when it changes (its modification time, size or identity, looked at no
 * more than once a second, when a key is used), so keys are added and removed without a restart.
 * While the file is unreadable or invalid no key is valid: a broken edit locks everyone out rather
 * than keeping a key that was meant to be removed.
 */
public final class AccessKeys implements AccessCheck {
  /** The file's name in the data directory, where {@code parley serve} looks by default. */
  public static final String FILE = "keys.json";

  /** What every key made by {@link #add} starts with, so that a key is recognised as one. */
  public static final String PREFIX = "pk_";

  /** Every room, in a key's {@code rooms}. */
  public static final String ALL_ROOMS = "*";

  /** Random bytes of a key: 256 bits. */
  private static final int KEY_BYTES = 32;

  private static final long RECHECK_NANOS = 1_000_000_000L;

  /** Key names: what a username may start with, so plain ASCII with no {@code /}. */
  private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,30}$");

  private static final Pattern HASH = Pattern.compile("^[0-9a-fA-F]{64}$");
  private static final Pattern ROOM = SpecDocument.get().pattern("RoomName");
  private static final Set<String> FIELDS =
      Set.of("name", "key_sha256", "rooms", "observe", "moderator");
  private static final Logger LOG = LoggerFactory.getLogger(AccessKeys.class);
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(SerializationFeature.INDENT_OUTPUT);
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * One key's entry.
   *
   * @param name its name: the username it logs in as, or the prefix of them
   * @param sha256 the SHA-256 of the key, as lower-case hex
   * @param rooms the rooms it may join, or {@code *}
   * @param observe whether it may watch its rooms at {@code /observe}
   * @param moderator whether its sessions are moderators'
   */
  public record Key(
      String name, String sha256, List<String> rooms, boolean observe, boolean moderator) {
    public Key {
      rooms = List.copyOf(rooms);
    }

    /** Whether it may join (and watch) {@code room}. */
    public boolean mayJoin(String room) {
      return rooms.contains(ALL_ROOMS) || rooms.contains(room);
    }

    /**
     * Whether it may log in as {@code username} (normalised): its name, or its name, {@code /} and
     * one more part with neither {@code /} nor white space in it, so that no name under a key can
     * read as another's ({@code bots/ alice}, {@code bots/../alice}).
     */
    public boolean mayUse(String username) {
      if (username.equals(name)) {
        return true;
      }
      if (!username.startsWith(name + "/")) {
        return false;
      }
      String part = username.substring(name.length() + 1);
      return !part.isEmpty()
          && part.codePoints().noneMatch(c -> c == '/' || Character.isWhitespace(c));
    }

    private byte[] digest() {
      return HexFormat.of().parseHex(sha256);
    }
  }

  /** What was read, and of which version of the file. */
  private record Snapshot(Object stamp, List<Key> keys) {}

  private final Path file;
  private volatile Snapshot snapshot;
  private volatile long checkedAt;

  private AccessKeys(Path file, Snapshot snapshot) {
    this.file = file;
    this.snapshot = snapshot;
    this.checkedAt = System.nanoTime();
  }

  /**
   * Reads the keys file, for a daemon that starts with access control.
   *
   * @throws IllegalStateException with one sentence naming the file and what is wrong with it
   */
  public static AccessKeys open(Path file) {
    Object stamp = stamp(file);
    if (stamp == null) {
      throw new IllegalStateException(
          "The keys file "
              + file.toAbsolutePath()
              + " does not exist: make a key with"
              + " `parley keys add NAME --rooms ROOM --keys-file "
              + file
              + "`, or name the file with --keys-file");
    }
    List<Key> keys = read(file);
    if (keys.isEmpty()) {
      LOG.warn(
          "The keys file {} holds no key: nobody can log in until one is added",
          file.toAbsolutePath());
    }
    return new AccessKeys(file, new Snapshot(stamp, keys));
  }

  /** The file the keys are read from. */
  public Path file() {
    return file;
  }

  /** The keys as the file now says. */
  public List<Key> keys() {
    return current().keys;
  }

  /** The entry of {@code key}, or null when no entry holds it. */
  public Key find(String key) {
    if (key == null) {
      return null;
    }
    byte[] digest = sha256(key);
    Key found = null;
    // Every entry is compared, each in constant time: how long it takes tells nothing of the keys.
    for (Key k : current().keys) {
      if (MessageDigest.isEqual(digest, k.digest())) {
        found = k;
      }
    }
    return found;
  }

  @Override
  public String keyName(String key) {
    Key found = find(key);
    return found == null ? null : found.name;
  }

  /** The entry named {@code name}, or null. */
  public Key named(String name) {
    for (Key k : current().keys) {
      if (k.name.equals(name)) {
        return k;
      }
    }
    return null;
  }

  /**
   * The entry of {@code key}; refuses (40013) a missing key with {@code key_required} and one of no
   * entry with {@code unknown_key}.
   */
  public Key require(String key) {
    if (key == null) {
      throw denied(
          AccessDeniedException.Reason.KEY_REQUIRED,
          "this daemon runs with access control: log in with your access key as `key`");
    }
    Key found = find(key);
    if (found == null) {
      throw denied(
          AccessDeniedException.Reason.UNKNOWN_KEY,
          "no such access key (it may have been removed)");
    }
    return found;
  }

  /**
   * The rule of {@code login} for a new session with {@code key}: the username (normalised) must be
   * the key's name or under it, the room one the key may join.
   */
  public LoginGate gate(String key) {
    return (username, room) -> {
      Key k = require(key);
      if (!k.mayUse(username)) {
        throw denied(
            AccessDeniedException.Reason.USERNAME,
            "the key "
                + k.name
                + " logs in as "
                + k.name
                + " or as "
                + k.name
                + "/<name> (one part, without / or spaces), not as "
                + username);
      }
      if (!k.mayJoin(room)) {
        throw denied(
            AccessDeniedException.Reason.ROOM,
            "the key " + k.name + " may not join the room " + room);
      }
      return k.moderator;
    };
  }

  /**
   * The key behind a bearer token that is an access key or a live session's token (whose key is the
   * one named by the username up to its first {@code /}); refuses as {@link #require}.
   *
   * @param sessionUser the username of the live session a token is, or null
   */
  public Key holder(String bearer, Function<String, String> sessionUser) {
    if (bearer == null) {
      throw denied(
          AccessDeniedException.Reason.KEY_REQUIRED,
          "this daemon runs with access control: send `Authorization: Bearer` with your"
              + " access key or your session's token");
    }
    Key found = find(bearer);
    if (found != null) {
      return found;
    }
    String user = sessionUser.apply(bearer);
    Key owner = user == null ? null : named(user.split("/", 2)[0]);
    if (owner == null) {
      throw denied(
          AccessDeniedException.Reason.UNKNOWN_KEY,
          "neither an access key nor a live session's token (the key may have been removed)");
    }
    return owner;
  }

  /**
   * The rooms the holder of {@code key} may watch, asked again of the file for each frame so that a
   * removed key stops seeing them; refuses a key that may not observe ({@code observe}).
   */
  @Override
  public Predicate<String> observer(String key) {
    Key k = require(key);
    if (!k.observe) {
      throw denied(AccessDeniedException.Reason.OBSERVE, "the key " + k.name + " may not observe");
    }
    String name = k.name;
    return room -> {
      Key now = named(name);
      if (now == null || !now.observe) {
        // The socket's holder lost the right to watch: it is told so and closed, not left silent.
        throw denied(
            now == null
                ? AccessDeniedException.Reason.UNKNOWN_KEY
                : AccessDeniedException.Reason.OBSERVE,
            "the access key of this observer was removed or may no longer observe");
      }
      return now.mayJoin(room);
    };
  }

  private Snapshot current() {
    long now = System.nanoTime();
    if (now - checkedAt < RECHECK_NANOS) {
      return snapshot;
    }
    synchronized (this) {
      if (now - checkedAt >= RECHECK_NANOS) {
        checkedAt = now;
        Object stamp = stamp(file);
        if (!Objects.equals(stamp, snapshot.stamp)) {
          snapshot = reread(stamp);
        }
      }
      return snapshot;
    }
  }

  private Snapshot reread(Object stamp) {
    if (stamp == null) {
      LOG.error(
          "The keys file {} is gone: no key is valid until it is back", file.toAbsolutePath());
      return new Snapshot(null, List.of());
    }
    try {
      List<Key> keys = read(file);
      LOG.info(
          "Read {} key{} from {}", keys.size(), keys.size() == 1 ? "" : "s", file.toAbsolutePath());
      return new Snapshot(stamp, keys);
    } catch (IllegalStateException e) {
      LOG.error("{}; no key is valid until it is fixed", e.getMessage());
      return new Snapshot(stamp, List.of());
    }
  }

  /** What identifies a version of the file (null: there is none), without reading it. */
  private static Object stamp(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey()));
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The entries of a keys file.
   *
   * @throws IllegalStateException with one sentence naming the file and the problem
   */
  public static List<Key> read(Path file) {
    String where = "The keys file " + file.toAbsolutePath();
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new IllegalStateException(
          where
              + " is not valid JSON"
              + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
              + ": "
              + e.getOriginalMessage());
    } catch (NoSuchFileException e) {
      throw new IllegalStateException(where + " does not exist");
    } catch (IOException e) {
      throw new IllegalStateException(where + " cannot be read: " + e.getMessage());
    }
    if (root == null || !root.isObject() || !root.path("keys").isArray()) {
      throw new IllegalStateException(
          where + " must hold an object with a \"keys\" array: {\"keys\": [...]}");
    }
    List<Key> keys = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> hashes = new HashSet<>();
    int n = 0;
    for (JsonNode entry : root.get("keys")) {
      n++;
      String which = where + ": entry " + n;
      if (!entry.isObject()) {
        throw new IllegalStateException(which + " is not an object");
      }
      for (Iterator<String> fields = entry.fieldNames(); fields.hasNext(); ) {
        String field = fields.next();
        if (!FIELDS.contains(field)) {
          throw new IllegalStateException(
              which
                  + " has an unknown field \""
                  + field
                  + "\" (known: name, key_sha256,"
                  + " rooms, observe, moderator)");
        }
      }
      if (!entry.path("name").isTextual()) {
        throw new IllegalStateException(which + " has no \"name\"");
      }
      String name = entry.get("name").asText();
      which = which + " (" + name + ")";
      if (!NAME.matcher(name).matches()) {
        throw new IllegalStateException(
            which
                + ": a name is 1 to 31 letters, digits, '.', '_' or '-', starting"
                + " with a letter or digit");
      }
      if (!names.add(name)) {
        throw new IllegalStateException(
            which + ": the name " + name + " is taken by an earlier entry");
      }
      if (!entry.path("key_sha256").isTextual()
          || !HASH.matcher(entry.get("key_sha256").asText()).matches()) {
        throw new IllegalStateException(which + " has no \"key_sha256\" of 64 hex digits");
      }
      String hash = entry.get("key_sha256").asText().toLowerCase(java.util.Locale.ROOT);
      if (!hashes.add(hash)) {
        throw new IllegalStateException(which + " holds the same key as an earlier entry");
      }
      if (!entry.path("rooms").isArray()) {
        throw new IllegalStateException(
            which + " has no \"rooms\" array (room names, or \"*\" for every room)");
      }
      List<String> rooms = new ArrayList<>();
      for (JsonNode room : entry.get("rooms")) {
        if (!room.isTextual()
            || !(ALL_ROOMS.equals(room.asText()) || ROOM.matcher(room.asText()).matches())) {
          throw new IllegalStateException(
              which + ": " + room + " in \"rooms\" is neither a room name nor \"*\"");
        }
        rooms.add(room.asText());
      }
      keys.add(
          new Key(
              name, hash, rooms, flag(entry, "observe", which), flag(entry, "moderator", which)));
    }
    return List.copyOf(keys);
  }

  private static boolean flag(JsonNode entry, String field, String which) {
    JsonNode value = entry.get(field);
    if (value != null && !value.isBoolean()) {
      throw new IllegalStateException(which + ": \"" + field + "\" must be true or false");
    }
    return value != null && value.booleanValue();
  }

  /**
   * Makes a key for a new entry of {@code file} (created, with owner-only permissions where the
   * file system has them, when it does not exist) and returns it: the file keeps only its hash.
   *
   * @throws IllegalArgumentException for a bad name or room, or a name already in the file
   * @throws IllegalStateException when the file exists and is not a valid keys file
   */
  public static String add(
      Path file, String name, List<String> rooms, boolean observe, boolean moderator) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "a key's name is 1 to 31 letters, digits, '.', '_' or '-', starting with a"
              + " letter or digit: "
              + name);
    }
    for (String room : rooms) {
      if (!ALL_ROOMS.equals(room) && !ROOM.matcher(room).matches()) {
        throw new IllegalArgumentException("neither a room name nor *: " + room);
      }
    }
    List<Key> keys = new ArrayList<>(Files.exists(file) ? read(file) : List.of());
    if (keys.stream().anyMatch(k -> k.name.equals(name))) {
      throw new IllegalArgumentException(
          "the keys file "
              + file.toAbsolutePath()
              + " already has a key named "
              + name
              + ": remove it first with `parley keys remove "
              + name
              + "`");
    }
    byte[] random = new byte[KEY_BYTES];
    RANDOM.nextBytes(random);
    String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    keys.add(new Key(name, HexFormat.of().formatHex(sha256(key)), rooms, observe, moderator));
    write(file, keys);
    return key;
  }

  /**
   * Removes the entry named {@code name}.
   *
   * @return whether there was one
   */
  public static boolean remove(Path file, String name) {
    List<Key> keys = new ArrayList<>(read(file));
    if (!keys.removeIf(k -> k.name.equals(name))) {
      return false;
    }
    write(file, keys);
    return true;
  }

  /**
   * Writes the whole file anew beside it and moves it in place, so that a daemon reading it never
   * sees half of it.
   */
  private static void write(Path file, List<Key> keys) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode entries = root.putArray("keys");
    for (Key k : keys) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", k.name);
      entry.put("key_sha256", k.sha256);
      entry.put("rooms", k.rooms);
      entry.put("observe", k.observe);
      entry.put("moderator", k.moderator);
      entries.add(JSON.valueToTree(entry));
    }
    Path dir = file.toAbsolutePath().getParent();
    Path temp = null;
    try {
      Files.createDirectories(dir);
      temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp", ownerOnly(dir));
      Files.write(temp, (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8));
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot write the keys file " + file.toAbsolutePath() + ": " + e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // Only left behind when the move failed; the error above says why.
        }
      }
    }
  }

  private static FileAttribute<?>[] ownerOnly(Path dir) {
    if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return new FileAttribute<?>[0];
    }
    Set<PosixFilePermission> rw = PosixFilePermissions.fromString("rw-------");
    return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(rw)};
  }

  private static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static AccessDeniedException denied(AccessDeniedException.Reason reason, String detail) {
    return new AccessDeniedException(reason, detail, null);
  }
}
