package dev.parley.server.room;

import com.ibm.icu.lang.UScript;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.SpoofChecker;
import com.ibm.icu.text.UnicodeSet;
import dev.parley.api.InvalidParamsException;
import dev.parley.server.ServerLimits;
import java.util.Collection;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * What a username may be, and when two names would pass for one another: the one rule behind login,
 * so that nobody can pose as someone else.
 *
 * <p>A name is normalised to NFKC (fullwidth {@code ａｌｉｃｅ} is {@code alice}, a no-break space a
 * plain one) and refused when it holds what a reader cannot see or that changes how it reads:
 * invisible (default-ignorable) characters such as zero-width joiners and variation selectors,
 * bidirectional controls, other format characters, white space but the plain space (and that not at
 * either end, nor twice in a row), private-use and unassigned code points, a combining mark with
 * nothing to sit on or repeated on one letter, digits of two number systems, or a word that mixes
 * scripts the way lookalikes do (Unicode TR39's "moderately restrictive" level, per word: {@code
 * аlice} with a Cyrillic {@code а} is refused, {@code claude-помощник} is not). Emoji are single
 * characters like any other symbol; sequences joined by zero-width joiners or variation selectors
 * are not, as those are invisible characters.
 *
 * <p>Two names clash when their TR39 confusable skeletons are equal, ignoring case before or after
 * the skeleton is taken: {@code Alice}, {@code aIice} (capital I) and Cherokee {@code ᎪᏞᎥᏟᎬ} all
 * clash with {@code alice}, and {@code system} is reserved in every such disguise.
 */
final class Usernames {
  private static final Normalizer2 NFKC = Normalizer2.getNFKCInstance();
  private static final Normalizer2 NFKC_CASEFOLD = Normalizer2.getNFKCCasefoldInstance();
  // The checker's own checks run on NFD, where a repeated mark shows even beside a precomposed
  // letter.
  private static final Normalizer2 NFD = Normalizer2.getNFDInstance();

  /** Immutable once built, so safe to share between threads. */
  private static final SpoofChecker SPOOF =
      new SpoofChecker.Builder()
          .setChecks(SpoofChecker.INVISIBLE | SpoofChecker.MIXED_NUMBERS)
          .build();

  private static final SpoofChecker WORD =
      new SpoofChecker.Builder()
          .setChecks(SpoofChecker.RESTRICTION_LEVEL)
          .setRestrictionLevel(SpoofChecker.RestrictionLevel.MODERATELY_RESTRICTIVE)
          .build();
  // Unicode properties as ICU knows them, one Unicode version for every rule here.
  private static final UnicodeSet CONTROL = new UnicodeSet("[:Cc:]").freeze();
  private static final UnicodeSet FORMAT = new UnicodeSet("[:Cf:]").freeze();
  private static final UnicodeSet PRIVATE_USE = new UnicodeSet("[:Co:]").freeze();
  private static final UnicodeSet UNASSIGNED = new UnicodeSet("[:Cn:]").freeze();
  private static final UnicodeSet BIDI_CONTROL = new UnicodeSet("[:Bidi_Control:]").freeze();
  // U+2800 BRAILLE PATTERN BLANK is a symbol that draws nothing.
  private static final UnicodeSet INVISIBLE =
      new UnicodeSet("[[:Default_Ignorable_Code_Point:]\\u2800]").freeze();
  private static final UnicodeSet MARK = new UnicodeSet("[:M:]").freeze();
  private static final UnicodeSet OTHER_SPACE =
      new UnicodeSet("[[:White_Space:]-[\\u0020]]").freeze();

  /**
   * Keys already taken, by name: every delivery compares each message's actor by key, and a
   * skeleton costs a microsecond or two where a map look-up costs tens of nanoseconds. Names are at
   * most 32 characters, so the cache stays within a few hundred kilobytes.
   */
  private static final Map<String, String> KEYS = new ConcurrentHashMap<>();

  private static final int KEYS_CACHED = 4096;

  /** What separates the words of a name, each of which must keep to one script. */
  private static final Pattern WORD_BREAK = Pattern.compile("[\\p{Z}\\p{P}\\p{S}]+");

  private Usernames() {}

  /**
   * The name a login asks for, normalised; refused (-32602, naming {@code /username}) when it could
   * mislead a reader.
   */
  static String normalise(String requested) {
    if (requested.codePoints().anyMatch(c -> Character.getType(c) == Character.SURROGATE)) {
      throw refused("may not contain a lone surrogate");
    }
    // Named as sent, before NFKC turns one invisible character into another; white space only
    // after it, which makes a no-break space a plain one.
    checkCharacters(requested, false);
    String name = NFKC.normalize(requested);
    checkCharacters(name, true);
    if (name.isBlank()) {
      throw refused("may not be blank");
    }
    if (name.startsWith(" ") || name.endsWith(" ")) {
      throw refused("may not start or end with a space");
    }
    if (name.contains("  ")) {
      throw refused("may not hold two spaces in a row");
    }
    if (MARK.contains(name.codePointAt(0))) {
      throw refused("may not start with a combining mark");
    }
    int length = name.codePointCount(0, name.length());
    if (length > ServerLimits.USERNAME_CHARS) {
      throw refused(
          "may hold at most "
              + ServerLimits.USERNAME_CHARS
              + " characters once normalised (NFKC); this one has "
              + length);
    }
    SpoofChecker.CheckResult result = new SpoofChecker.CheckResult();
    if (SPOOF.failsChecks(NFD.normalize(name), result)) {
      throw refused(
          (result.checks & SpoofChecker.INVISIBLE) != 0
              ? "may not repeat a combining mark on one letter"
              : "may not mix digits of different number systems");
    }
    for (String word : WORD_BREAK.split(name)) {
      if (WORD.failsChecks(word)) {
        throw refused(
            "may not mix "
                + scripts(word)
                + " letters in one word (\""
                + word
                + "\"), as lookalike names do: write each word in one script");
      }
    }
    return name;
  }

  private static void checkCharacters(String name, boolean normalised) {
    for (int i = 0; i < name.length(); i += Character.charCount(name.codePointAt(i))) {
      int c = name.codePointAt(i);
      String what = forbidden(c);
      if (what != null && (normalised || !OTHER_SPACE.contains(c))) {
        throw refused(String.format("may not contain %s U+%04X", what, c));
      }
    }
  }

  /** Why code point {@code c} may not be in a name, or null when it may. */
  private static String forbidden(int c) {
    if (CONTROL.contains(c)) {
      return "the control character";
    }
    if (BIDI_CONTROL.contains(c)) {
      return "the bidirectional control";
    }
    if (INVISIBLE.contains(c)) {
      return "the invisible character";
    }
    if (FORMAT.contains(c)) {
      return "the format character";
    }
    if (OTHER_SPACE.contains(c)) {
      return "white space other than the plain space, such as";
    }
    if (PRIVATE_USE.contains(c)) {
      return "the private-use character";
    }
    if (UNASSIGNED.contains(c)) {
      return "the unassigned code point";
    }
    return null;
  }

  /** The scripts of {@code word}'s letters, as "Latin and Cyrillic". */
  private static String scripts(String word) {
    TreeSet<String> names = new TreeSet<>();
    word.codePoints()
        .map(UScript::getScript)
        .filter(s -> s != UScript.COMMON && s != UScript.INHERITED)
        .forEach(s -> names.add(UScript.getName(s)));
    return String.join(" and ", names);
  }

  private static InvalidParamsException refused(String why) {
    return new InvalidParamsException("/username", "a username " + why, null);
  }

  /**
   * The key of a name in a room's membership: its confusable skeleton after NFKC and case folding,
   * so that {@code Alice}, {@code аlice} and {@code ａｌｉｃｅ} share one.
   */
  static String key(String username) {
    String key = KEYS.get(username);
    if (key == null) {
      key = SPOOF.getSkeleton(NFKC_CASEFOLD.normalize(username));
      if (KEYS.size() >= KEYS_CACHED) {
        KEYS.clear();
      }
      KEYS.put(username, key);
    }
    return key;
  }

  /** The confusable skeleton of a name as written, case and all. */
  private static String skeleton(String username) {
    return SPOOF.getSkeleton(NFKC.normalize(username));
  }

  /**
   * True when {@code a} and {@code b} would pass for one another: equal skeletons as written
   * ({@code aIice}, {@code alice}), after case folding ({@code ALICE}, {@code аlice}), or of a
   * skeleton case folded (Cherokee {@code ᎪᏞᎥᏟᎬ} reads {@code ALiCE}, so {@code alice}).
   */
  static boolean clash(String a, String b) {
    String sa = skeleton(a);
    String sb = skeleton(b);
    return sa.equals(sb) || key(a).equals(key(b)) || key(sa).equals(key(sb));
  }

  /** True when {@code username} passes for the sender of system messages. */
  static boolean reserved(String username) {
    return clash(username, Room.SYSTEM);
  }

  /** True when {@code username} clashes with a live member's name. */
  static boolean taken(String username, Collection<Session> members) {
    return holder(username, members) != null;
  }

  /** The member whose name {@code username} clashes with, or null when it is free. */
  static Session holder(String username, Collection<Session> members) {
    for (Session s : members) {
      if (clash(s.username, username)) {
        return s;
      }
    }
    return null;
  }
}
