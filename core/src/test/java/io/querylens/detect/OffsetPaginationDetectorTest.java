package io.querylens.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.querylens.sql.SqlAnalyzer;
import org.junit.jupiter.api.Test;

/** Where the OFFSET detector finds the offset in a statement, and the keyset form it suggests: no database. */
class OffsetPaginationDetectorTest {

  @Test
  void offsetsAreFoundOutsideQuotesAndCommentsAndBindMarkersCounted() {
    assertThat(OffsetPaginationDetector.offsetIn("select a from t order by a limit 20 offset 5000"))
        .containsExactly(5000, -1);
    assertThat(OffsetPaginationDetector.offsetIn(
        "select a from t where note = '?' and b = ? -- offset 9\n order by a limit ? offset ?"))
        .containsExactly(-1, 3);
    assertThat(OffsetPaginationDetector.offsetIn("select a from t limit ?, ?"))
        .containsExactly(-1, 1);
    assertThat(OffsetPaginationDetector.offsetIn("select a from t limit 300, 20"))
        .containsExactly(300, -1);
    assertThat(OffsetPaginationDetector.offsetIn(
        "select a from t offset 10 rows fetch next 5 rows only")).containsExactly(10, -1);
    assertThat(OffsetPaginationDetector.offsetIn("select 'offset 5000' from t limit 5")).isNull();
    assertThat(OffsetPaginationDetector.offsetIn("select \"offset\" from t")).isNull();
  }

  @Test
  void theKeysetFormFollowsTheSortAndAddsAUniqueKey() {
    try (SqlAnalyzer analyzer = new SqlAnalyzer()) {
      assertThat(OffsetPaginationDetector.keyset(analyzer.analyze(
          "select id from feed order by created_at desc, id desc limit ? offset ?")))
          .isEqualTo("where (created_at, id) < (?, ?) order by created_at desc, id desc limit ?");
      assertThat(OffsetPaginationDetector.keyset(analyzer.analyze("select id from feed order by name limit ? offset ?")))
          .isEqualTo("where (name, id) > (?, ?) order by name, id limit ?");
      assertThat(OffsetPaginationDetector.keyset(analyzer.analyze("select id from feed limit ? offset ?")))
          .isEqualTo("where id > ? order by id limit ?");
    }
  }
}
