package dev.parley.server.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parley.api.InvalidParamsException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The username rule alone: normal forms, refusals and their words, clashes, the reserved name. */
class UsernamesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {
        "ａｌｉｃｅ|alice", // fullwidth
        "ann\u00A0lee|ann lee", // no-break space
        "ann\u2009lee|ann lee", // thin space
        "ann\u3000lee|ann lee", // ideographic space
        "e\u0301mile|\u00E9mile", // decomposed accent, composed
        "\uFB01ona|fiona", // fi ligature
        "agent\u2460|agent1", // circled digit
        "\u01C5ovan|D\u017Eovan", // titlecase digraph
        "alice|alice",
        "Claude Code|Claude Code",
        "gpt-4o|gpt-4o",
      })
  void namesAreNormalisedToNfkc(String requested, String normal) {
    assertThat(Usernames.normalise(requested)).isEqualTo(normal);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Иван",
        "Ivan Иван",
        "claude-помощник",
        "Δέλτα",
        "田中さん",
        "田中Tanaka",
        "김민준",
        "عمر",
        "שרה",
        "नमस्ते",
        "ภาษาไทย",
        "Nguyễn",
        "José",
        "Zoë",
        "O'Brien",
        "anne_marie",
        "r2-d2",
        "x",
        "😀",
        "🤖 bot",
        "👍🏽",
        "🇩🇪",
      })
  void namesInOneScriptPerWordAndSingleEmojiAreAllowedAsTheyAre(String name) {
    assertThat(Usernames.normalise(name)).isEqualTo(name);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {
        // Invisible: default-ignorable code points and a blank that is drawn as nothing.
        "ali\u200Dce|may not contain the invisible character U+200D",
        "ali\u200Cce|may not contain the invisible character U+200C",
        "\u200Balice|may not contain the invisible character U+200B",
        "alice\u2060|may not contain the invisible character U+2060",
        "\uFEFFalice|may not contain the invisible character U+FEFF",
        "al\u00ADice|may not contain the invisible character U+00AD",
        "\u2764\uFE0F|may not contain the invisible character U+FE0F",
        "\uD83D\uDC69\u200D\uD83D\uDCBB|may not contain the invisible character U+200D",
        "alice\uDB40\uDC41|may not contain the invisible character U+E0041",
        "\u3164alice|may not contain the invisible character U+3164",
        "\u2800|may not contain the invisible character U+2800",
        // Bidirectional controls, which reorder what follows them.
        "\u202Eecila|may not contain the bidirectional control U+202E",
        "\u202Aalice|may not contain the bidirectional control U+202A",
        "alice\u2067|may not contain the bidirectional control U+2067",
        "alice\u2069|may not contain the bidirectional control U+2069",
        "alice\u200E|may not contain the bidirectional control U+200E",
        "alice\u061C|may not contain the bidirectional control U+061C",
        // Other format characters.
        "\u0600alice|may not contain the format character U+0600",
        "alice\uFFF9|may not contain the format character U+FFF9",
        // White space: the plain space only, inside the name, one at a time.
        "'system '|may not start or end with a space",
        "' alice'|may not start or end with a space",
        "alice\u00A0|may not start or end with a space",
        "\u2003alice|may not start or end with a space",
        "ali  ce|may not hold two spaces in a row",
        "ali\u00A0 ce|may not hold two spaces in a row",
        "' '|may not be blank",
        "'   '|may not be blank",
        "\u3000\u3000|may not be blank",
        "\u00A0|may not be blank",
        "ali\u2028ce|may not contain white space other than the plain space, such as U+2028",
        "ali\u2029ce|may not contain white space other than the plain space, such as U+2029",
        "ali\u1680ce|may not contain white space other than the plain space, such as U+1680",
        "\u0085alice|may not contain the control character U+0085",
        "alice\u009B|may not contain the control character U+009B",
        // What draws differently everywhere, or not yet at all.
        "\uE000alice|may not contain the private-use character U+E000",
        "alice\uDB80\uDC00|may not contain the private-use character U+F0000",
        "alice\u0378|may not contain the unassigned code point U+0378",
        "alice\uFFFF|may not contain the unassigned code point U+FFFF",
        "alice\uD800|may not contain a lone surrogate",
        "\uDC00alice|may not contain a lone surrogate",
        // Combining marks with nothing to sit on, or stacked to hide the letter.
        "\u0301alice|may not start with a combining mark",
        "\u093Fab|may not start with a combining mark",
        "a\u0301\u0301lice|may not repeat a combining mark on one letter",
        "\u00E1\u0301lice|may not repeat a combining mark on one letter",
        // Digits of two number systems look alike and mean different things.
        "bob\u0661 2|may not mix digits of different number systems",
      })
  void namesThatHideOrDisguiseSomethingAreRefusedInPlainWords(String requested, String why) {
    assertThat(refusal(requested)).isEqualTo("a username " + why);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {
        "\u0430lice|\u0430lice|Cyrillic and Latin", // Cyrillic a
        "p\u0430yp\u0430l|p\u0430yp\u0430l|Cyrillic and Latin",
        "\u0440\u0430\u0443\u0440\u0430l|\u0440\u0430\u0443\u0440\u0430l|Cyrillic and Latin",
        "\u0455ystem|\u0455ystem|Cyrillic and Latin", // Cyrillic dze
        "\u0391lpha|\u0391lpha|Greek and Latin", // Greek capital alpha
        "bob-\u03BFscar|\u03BFscar|Greek and Latin", // only the mixed word is named
        "\u03B1\u0431|\u03B1\u0431|Cyrillic and Greek",
        "gpt4\u043E|gpt4\u043E|Cyrillic and Latin", // digits do not split a word
      })
  void aWordMixingScriptsAsLookalikesDoIsRefused(String requested, String word, String scripts) {
    assertThat(refusal(requested))
        .isEqualTo(
            "a username may not mix "
                + scripts
                + " letters in one word (\""
                + word
                + "\"), as lookalike names do: write each word in one script");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\uFDFA\uFDFA", "\u3300\u3300\u3300\u3300\u3300\u3300\u3300\u3300\u3300"})
  void theLengthLimitHoldsAfterNormalisation(String requested) {
    // Each of these is a few characters that NFKC spells out as many more.
    assertThat(refusal(requested))
        .startsWith("a username may hold at most 32 characters once normalised (NFKC)");
  }

  @ParameterizedTest(name = "{0} ~ {1}")
  @CsvSource(
      delimiter = '|',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {
        "alice|Alice",
        "alice|ALICE",
        "alice|ａｌｉｃｅ",
        "alice|\u0430lice", // Cyrillic a, if it were let in
        "alice|\u03B1lice", // Greek alpha
        "alice|aIice", // capital I for l
        "alice|a1ice", // digit one for l
        "alice|\u13AA\u13DE\u13A5\u13DF\u13AC", // Cherokee, which reads ALiCE
        "ace|\u0430\u0441\u0435", // all Cyrillic
        "bob|b0b", // zero for o
        "mary|rnary", // r n for m
        "claude|CLAUDE",
        "Иван|иван",
        "straße|STRASSE",
      })
  void lookalikesClash(String a, String b) {
    assertThat(Usernames.clash(a, b)).isTrue();
    assertThat(Usernames.clash(b, a)).isTrue();
  }

  @ParameterizedTest(name = "{0} / {1}")
  @CsvSource(
      delimiter = '|',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {
        "alice|alicia",
        "bob|rob",
        "agent1|agent2",
        "ann|anna",
        "Ivan|Иван",
        "claude|claude code",
        "alice|bob",
      })
  void differentNamesDoNotClash(String a, String b) {
    assertThat(Usernames.clash(a, b)).isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {"alice|Alice", "alice|ａｌｉｃｅ", "alice|\u0430lice", "straße|STRASSE"})
  void theMembershipKeyIgnoresCaseWidthAndLookalikeLetters(String a, String b) {
    assertThat(Usernames.key(a)).isEqualTo(Usernames.key(b));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "system",
        "SYSTEM",
        "System",
        "ｓｙｓｔｅｍ",
        "systern",
        "SYSTERN",
        "\u0455\u0443\u0455tem"
      })
  void systemIsReservedInEveryDisguise(String name) {
    assertThat(Usernames.reserved(name)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"systems", "sys", "system-bot", "sysadmin"})
  void namesNearSystemAreNotReserved(String name) {
    assertThat(Usernames.reserved(name)).isFalse();
  }

  private static String refusal(String requested) {
    InvalidParamsException e =
        catchThrowableOfType(InvalidParamsException.class, () -> Usernames.normalise(requested));
    assertThat(e).as("refusal of %s", requested).isNotNull();
    assertThat(e.pointer()).isEqualTo("/username");
    return e.detail();
  }
}
