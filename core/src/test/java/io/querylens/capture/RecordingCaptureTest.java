package io.querylens.capture;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecordingCaptureTest {

  @Test
  void findsTheParametersThatAreLikePatterns() {
    assertThat(RecordingCapture.likeParameters("select a from t where b = ? and c like ? and d ilike ?"))
        .isEqualTo((1L << 2) | (1L << 3));
    assertThat(RecordingCapture.likeParameters("select a from t where c LIKE?")).isEqualTo(1L << 1);
    assertThat(RecordingCapture.likeParameters("select a from t where c = 'like ?' and d like ?")).isEqualTo(1L << 1);
    assertThat(RecordingCapture.likeParameters("select a from t where c unlike ? and likely = ?")).isZero();
    assertThat(RecordingCapture.likeParameters("")).isZero();
  }
}
