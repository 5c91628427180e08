package dev.parley.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The protocol's message ids read back into sequence numbers, and what is not one. */
class MessageIdsTest {

  @Test
  void anIdGivenOutReadsBackAsItsSequenceNumber() {
    for (long seq : new long[] {1, 7, 42, 1_000_000, Long.MAX_VALUE}) {
      assertThat(MessageIds.seq(MessageIds.of(seq))).hasValue(seq);
    }
  }

  @Test
  void whatIsNotAnIdGivenOutIsNone() {
    for (String id :
        new String[] {
          null,
          "",
          "msg-",
          "7",
          "msg-0",
          "msg-007",
          "msg--1",
          "msg-+1",
          "msg-1x",
          "msg- 1",
          "MSG-1",
          "msg-99999999999999999999",
          "msg-9223372036854775808",
          "msg-１"
        }) {
      assertThat(MessageIds.seq(id)).as(String.valueOf(id)).isEqualTo(OptionalLong.empty());
    }
  }
}
