package dev.parley.spec;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The wording of the system messages a room gets (joins, leaves, floor changes): written by
 * the daemon, read back by observers and the viewer, so both sides share this one definition.
 */
public final class SystemMessages {
  private static final Pattern PARSE = Pattern.compile(
      "^(?:(?<stickExpired>the talking stick of )(?<expiredHolder>.+) expired"
          + "|(?<user>.+?) (?<what>has joined|has left \\(session expired\\)|has left|has the talking stick"
          + "|released the talking stick))$", Pattern.DOTALL);

  private SystemMessages() {}

  /** What a system message says happened. */
  public enum Event {
    /** A participant joined. */
    JOINED,
    /** A participant logged out. */
    LEFT,
    /** A participant's session expired. */
    EXPIRED,
    /** A participant claimed the talking stick. */
    STICK_CLAIMED,
    /** A participant gave the talking stick up. */
    STICK_RELEASED,
    /** A participant's hold of the talking stick ran out. */
    STICK_EXPIRED
  }

  /**
   * A system message read back.
   *
   * @param event what happened
   * @param user to whom
   */
  public record Parsed(Event event, String user) {}

  /** {@code <user> has joined}. */
  public static String joined(String user) {
    return user + " has joined";
  }

  /** {@code <user> has left}. */
  public static String left(String user) {
    return user + " has left";
  }

  /** {@code <user> has left (session expired)}. */
  public static String expired(String user) {
    return user + " has left (session expired)";
  }

  /** {@code <user> has the talking stick}. */
  public static String stickClaimed(String user) {
    return user + " has the talking stick";
  }

  /** {@code <user> released the talking stick}. */
  public static String stickReleased(String user) {
    return user + " released the talking stick";
  }

  /** {@code the talking stick of <user> expired}. */
  public static String stickExpired(String user) {
    return "the talking stick of " + user + " expired";
  }

  /** What {@code text} says happened, if it is one of these messages. */
  public static Optional<Parsed> parse(String text) {
    Matcher m = PARSE.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    if (m.group("stickExpired") != null) {
      return Optional.of(new Parsed(Event.STICK_EXPIRED, m.group("expiredHolder")));
    }
    Event event = switch (m.group("what")) {
      case "has joined" -> Event.JOINED;
      case "has left" -> Event.LEFT;
      case "has left (session expired)" -> Event.EXPIRED;
      case "has the talking stick" -> Event.STICK_CLAIMED;
      default -> Event.STICK_RELEASED;
    };
    return Optional.of(new Parsed(event, m.group("user")));
  }
}
