package dev.parley.viewer.observe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The kept conversation: bounded in bytes per room and for all rooms, oldest dropped first. */
class FrameHistoryTest {
  @Test
  void aRoomKeepsItsNewestFramesWithinItsBytes() {
    FrameHistory history = new FrameHistory(30, 1000);
    for (int i = 0; i < 10; i++) {
      history.add("a", "frame" + i + "___", 10);
    }
    assertThat(history.frames(r -> true, 100))
        .extracting(FrameHistory.Entry::text)
        .containsExactly("frame7___", "frame8___", "frame9___");
    assertThat(history.bytes()).isEqualTo(30);
  }

  @Test
  void theRoomQuietTheLongestGivesWayAndRoomsAreFiltered() {
    FrameHistory history = new FrameHistory(100, 40);
    history.add("quiet", "q1", 10);
    history.add("quiet", "q2", 10);
    history.add("busy", "b1", 10);
    history.add("busy", "b2", 10);
    history.add("busy", "b3", 10);
    assertThat(history.bytes()).isEqualTo(40);
    assertThat(history.frames(r -> true, 100))
        .extracting(FrameHistory.Entry::text)
        .containsExactly("q2", "b1", "b2", "b3");
    assertThat(history.frames("busy"::equals, 2))
        .extracting(FrameHistory.Entry::text)
        .containsExactly("b2", "b3");
    history.forget("busy");
    assertThat(history.bytes()).isEqualTo(10);
    history.clear();
    assertThat(history.frames(r -> true, 100)).isEmpty();
  }
}
