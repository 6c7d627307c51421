package io.querylens.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.shipping.Shipments;
import io.querylens.QueryLens;
import io.querylens.capture.QueryCapture;
import io.querylens.config.Settings;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.testing.TestDatabases;
import io.querylens.testing.PoolLens;
import io.querylens.testing.TestDatabases.TestDatabase;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The unbounded-result-set detector on real databases, through the data source wrapper over a HikariCP pool (whose
 * result sets are unwrapped to the driver's): a query without a limit returning 20,000 rows is reported once with its
 * row count; limited queries, aggregates, selective filters and small tables are not.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.querylens.testing.TestDatabases#all")
class UnboundedResultSetOnDatabasesTest {

  private static final int ROWS = 20_000;

  @Parameter TestDatabase database;

  private PoolLens lens;

  @BeforeEach
  void open() {
    lens = new PoolLens(database, settings -> settings.set(Settings.INDEX_ADVICE, false));
  }

  @AfterEach
  void close() throws SQLException {
    if (lens != null) {
      lens.close();
    }
  }

  private Shipments shipments(int rows) throws SQLException {
    return lens.shipments("rows", rows);
  }

  @Test
  void aQueryWithoutALimitReturningManyRowsIsReportedOnceWithItsRowCount() throws Exception {
    Shipments shipments = shipments(ROWS);

    List<Finding> findings = PoolLens.captured(FindingType.UNBOUNDED_RESULT_SET, () -> {
      assertThat(shipments.all()).isEqualTo(ROWS);
      assertThat(shipments.all()).isEqualTo(ROWS);
    });

    assertThat(findings).hasSize(1);
    Finding finding = findings.get(0);
    assertThat(finding.severity()).isEqualTo(Severity.WARN);
    assertThat(finding.detectorId()).isEqualTo("unbounded-result-set");
    assertThat(finding.count()).isEqualTo(ROWS);
    assertThat(finding.details()).containsEntry("rows", (long) ROWS).containsEntry("threshold", 10_000L);
    assertThat(finding.callSite()).startsWith("com.example.shipping.Shipments.all(Shipments.java:");
    assertThat(finding.message()).startsWith("Unbounded result set: [select id, note from " + shipments.table()
        + "] returned 20,000 rows with no LIMIT, from com.example.shipping.Shipments.all(Shipments.java:");
    assertThat(finding.suggestion()).contains("LIMIT").contains("setFetchSize");
  }

  /**
   * Once a shape's rows were read and were few, only a slower execution of it is read again (a capture reads every
   * one, so this runs outside one): the one that returns many rows is slower than the ones before it, so it is caught;
   * and should one of the few-row executions have been slower still (a collection or a compilation in the middle of
   * it, seen on a busy CI machine), the record of it lasts a second, and the next many-row execution is caught.
   */
  @Test
  void aShapeThatReturnedFewRowsManyTimesIsReportedWhenOneExecutionReturnsMany() throws Exception {
    Shipments shipments = shipments(ROWS);

    for (int i = 0; i < 500; i++) {
      assertThat(shipments.notesBetween(1 + i, 10 + i)).isEqualTo(10);
    }
    assertThat(shipments.notesBetween(1, ROWS)).isEqualTo(ROWS);
    Thread.sleep(1_100);
    assertThat(shipments.notesBetween(1, ROWS)).isEqualTo(ROWS);

    lens.runtime.flush();
    assertThat(lens.runtime.findings()).filteredOn(finding -> finding.type() == FindingType.UNBOUNDED_RESULT_SET)
        .singleElement().satisfies(finding -> {
          assertThat(finding.count()).isEqualTo(ROWS);
          assertThat(finding.sql())
              .isEqualTo("select id, note from " + shipments.table() + " where id between ? and ?");
        });
  }

  @Test
  void aCaptureKnowsTheRowsEachQueryReturnedAndCanBoundThem() throws Exception {
    Shipments shipments = shipments(ROWS);

    try (QueryCapture capture = QueryLens.capture()) {
      shipments.all();
      shipments.firstHundred();
      shipments.count();
      capture.close();

      assertThat(capture.statements()).extracting(io.querylens.capture.CapturedStatement::rows)
          .containsExactly((long) ROWS, 100L, 1L);
      capture.assertThat().maxRows(ROWS);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> capture.assertThat().maxRows(1_000))
          .isInstanceOf(AssertionError.class)
          .hasMessageStartingWith("Expected every query to return at most 1,000 rows, 1 returned more:")
          .hasMessageContaining("select id, note from " + shipments.table() + " ")
          .hasMessageContaining(" at com.example.shipping.Shipments.all(Shipments.java:")
          .hasMessageContaining(" (20,000 rows)");
    }
  }

  @Test
  void limitedQueriesAggregatesSelectiveFiltersAndSmallTablesAreNot() throws Exception {
    Shipments big = shipments(ROWS);
    Shipments small = shipments(5_000);

    List<Finding> findings = PoolLens.captured(FindingType.UNBOUNDED_RESULT_SET, () -> {
      big.firstHundred();
      big.count();
      big.byCarrier(3);
      small.all();
    });

    assertThat(findings).isEmpty();
  }
}
