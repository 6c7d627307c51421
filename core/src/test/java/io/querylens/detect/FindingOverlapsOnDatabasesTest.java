package io.querylens.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.shipping.Shipments;
import io.querylens.QueryLens;
import io.querylens.capture.QueryCapture;
import io.querylens.config.QueryLensConfig;
import io.querylens.config.Settings;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.testing.PoolLens;
import io.querylens.testing.TestDatabases.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Where several detectors see the same executions, users read the most useful finding: on real databases, a slow
 * query whose shape is also a missing index or an unbounded result set is one finding (the missing index, the
 * unbounded result) carrying the slow query's figures, in the log and report and in a test's capture alike; a slow
 * query that nothing explains is still reported as one.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.querylens.testing.TestDatabases#all")
class FindingOverlapsOnDatabasesTest {

  @Parameter TestDatabase database;

  private PoolLens lens;

  private Shipments start(UnaryOperator<QueryLensConfig.Builder> settings, int rows) throws SQLException {
    lens = new PoolLens(database, each -> settings.apply(each.set(Settings.SLOW_THRESHOLD_MS, 1L)));
    if (database.isPostgres()) {
      try (Connection connection = lens.pool.getConnection(); Statement statement = connection.createStatement()) {
        statement.execute("create extension if not exists hypopg");
      }
    }
    return lens.shipments("overlap", rows);
  }

  @AfterEach
  void close() throws SQLException {
    if (lens != null) {
      lens.close();
    }
  }

  private static List<Finding> about(List<Finding> findings, String sql) {
    return findings.stream().filter(finding -> finding.sql().equals(sql)).toList();
  }

  @Test
  void aSlowQueryWithAMissingIndexIsTheMissingIndexAndAnUnexplainedOneStaysASlowQuery() throws Exception {
    Shipments shipments = start(settings -> settings.set(Settings.ROWS_THRESHOLD, 1_000_000), 100_000);

    for (String status : List.of("NEW", "SENT", "DONE")) {
      shipments.byCarrier(status.length());
      shipments.byStatus(status);
    }
    lens.runtime.flush();

    String scan = "select id, note from " + shipments.table() + " where carrier_id = ?";
    assertThat(about(lens.runtime.findings(), scan)).singleElement().satisfies(finding -> {
      assertThat(finding.type()).isEqualTo(FindingType.MISSING_INDEX);
      assertThat(finding.message()).contains("It is also a slow query: ").contains("(threshold 1 ms), from "
          + "com.example.shipping.Shipments.byCarrier(Shipments.java:");
      assertThat(((Number) finding.details().get("slowMs")).doubleValue()).isGreaterThanOrEqualTo(1.0);
      assertThat(finding.details()).containsEntry("slowThresholdMs", 1L);
    });
    String threeValues = "select id from " + shipments.table() + " where status = ?";
    // A WARN and, when one run takes ten times the threshold, an ERROR: both slow queries, neither folded away.
    assertThat(about(lens.runtime.findings(), threeValues)).extracting(Finding::type).isNotEmpty()
        .containsOnly(FindingType.SLOW_QUERY);
  }

  @Test
  void aSlowUnboundedQueryIsTheUnboundedResultInTheLogAndInACapture() throws Exception {
    Shipments shipments = start(settings -> settings.set(Settings.INDEX_ADVICE, false), 50_000);
    String all = "select id, note from " + shipments.table();

    List<Finding> captured;
    try (QueryCapture capture = QueryLens.capture()) {
      shipments.all();
      shipments.all();
      capture.close();
      captured = about(capture.findings(), all);
    }
    lens.runtime.flush();

    for (List<Finding> findings : List.of(captured, about(lens.runtime.findings(), all))) {
      assertThat(findings).singleElement().satisfies(finding -> {
        assertThat(finding.type()).isEqualTo(FindingType.UNBOUNDED_RESULT_SET);
        assertThat(finding.message()).contains("It is also a slow query: ");
        assertThat(finding.details()).containsKey("slowMs").containsEntry("rows", 50_000L);
      });
    }
  }
}
