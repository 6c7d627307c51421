package io.querylens.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.shipping.Shipments;
import io.querylens.QueryLens;
import io.querylens.capture.QueryCapture;
import io.querylens.config.Settings;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
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
 * The SQL lint detector on real databases, through the data source wrapper over a HikariCP pool: values written into
 * SQL that change, LIKE patterns starting with a wildcard, cross joins and IN lists of many sizes are each reported
 * once per shape, at INFO; a constant literal, an anchored pattern, a proper join and padded IN lists are not.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.querylens.testing.TestDatabases#all")
class SqlLintOnDatabasesTest {

  private static final String APP = "com.example.shipping.Shipments.";

  @Parameter TestDatabase database;

  private PoolLens lens;
  private Shipments shipments;

  @BeforeEach
  void open() throws SQLException {
    lens = new PoolLens(database, settings -> settings.set(Settings.INDEX_ADVICE, false));
    shipments = lens.shipments("lint", 2_000);
  }

  @AfterEach
  void close() throws SQLException {
    if (lens != null) {
      lens.close();
    }
  }

  @Test
  void valuesWrittenIntoTheSqlAreReportedOnceTheyChange() throws Exception {
    List<Finding> findings = PoolLens.captured(FindingType.SQL_LINT, () -> {
      for (int carrier = 1; carrier <= 4; carrier++) { // 5 would make an N+1 (see below)
        shipments.byCarrierWritten(carrier);
      }
    });

    assertThat(findings).singleElement().satisfies(finding -> {
      assertThat(finding.severity()).isEqualTo(Severity.INFO);
      assertThat(finding.detectorId()).isEqualTo("sql-lint");
      assertThat(finding.details()).containsEntry("rule", "inline-literals").containsEntry("literalSets", 3L)
          .containsEntry("threshold", 3L);
      assertThat(finding.sql()).isEqualTo("select id from " + shipments.table() + " where carrier_id = ?");
      assertThat(finding.columns()).containsExactly("carrier_id");
      assertThat(finding.callSite()).startsWith(APP + "byCarrierWritten(Shipments.java:");
      assertThat(finding.message()).startsWith("Values written into the SQL: [select id from " + shipments.table()
          + " where carrier_id = ?] from " + APP + "byCarrierWritten(").contains("3 different sets of literal values")
          .doesNotContain("carrier_id = 3");
      assertThat(finding.suggestion()).contains("PreparedStatement");
    });
  }

  @Test
  void valuesWrittenIntoAnNPlusOneAreToldInTheNPlusOne() throws Exception {
    List<Finding> captured;
    try (QueryCapture capture = QueryLens.capture()) {
      try (var unit = QueryLens.unitOfWork("carrier-report")) {
        for (int carrier = 1; carrier <= 6; carrier++) {
          shipments.byCarrierWritten(carrier);
        }
      }
      capture.close();
      captured = capture.findings();
    }
    lens.runtime.flush();
    String shape = "select id from " + shipments.table() + " where carrier_id = ?";
    List<Finding> logged = lens.runtime.findings().stream().filter(finding -> finding.sql().equals(shape)).toList();

    for (List<Finding> findings : List.of(captured, logged)) {
      assertThat(findings).singleElement().satisfies(finding -> {
        assertThat(finding.type()).isEqualTo(FindingType.N_PLUS_ONE);
        assertThat(finding.message()).contains("Its values are written into the SQL, too (3 different sets so far)");
        assertThat(finding.details()).containsEntry("inlineLiteralSets", 3L);
      });
    }
  }

  @Test
  void aConstantLiteralBesideBindMarkersIsNot() throws Exception {
    assertThat(PoolLens.captured(FindingType.SQL_LINT, () -> {
      for (int carrier = 1; carrier <= 6; carrier++) {
        shipments.newForCarrier(carrier);
      }
      shipments.byCarrierWritten(9);
      shipments.byCarrierWritten(9);
    })).isEmpty();
  }

  @Test
  void aBoundPatternStartingWithAWildcardIsReportedAndAnAnchoredOneIsNot() throws Exception {
    assertThat(PoolLens.captured(FindingType.SQL_LINT, () -> shipments.noteLike("note 1%"))).isEmpty();

    List<Finding> findings = PoolLens.captured(FindingType.SQL_LINT, () -> {
      shipments.noteLike("note 1%");
      shipments.noteLike("%17");
      shipments.noteLike("%18");
    });

    assertThat(findings).singleElement().satisfies(finding -> {
      assertThat(finding.details()).containsEntry("rule", "leading-wildcard");
      assertThat(finding.columns()).containsExactly("note");
      assertThat(finding.callSite()).startsWith(APP + "noteLike(Shipments.java:");
      assertThat(finding.message()).startsWith("LIKE with a leading wildcard: [select id from " + shipments.table()
          + " where carrier_id = ? and note like ?]").doesNotContain("%17");
      assertThat(finding.suggestion()).contains("gin_trgm_ops");
    });
  }

  @Test
  void aCrossJoinIsReportedAndAJoinWithItsConditionIsNot() throws Exception {
    // A join is judged once the shape's analysis, queued at its first execution, is done on querylens' worker.
    shipments.sameCarrier(5);
    List<Finding> findings = List.of();
    for (int attempt = 0; attempt < 200 && findings.isEmpty(); attempt++) {
      findings = PoolLens.captured(FindingType.SQL_LINT, () -> {
        shipments.pairs(3, "NEW");
        shipments.pairs(4, "NEW");
      });
      if (findings.isEmpty()) {
        Thread.sleep(25);
      }
    }
    assertThat(PoolLens.captured(FindingType.SQL_LINT, () -> shipments.sameCarrier(6))).isEmpty();

    assertThat(findings).singleElement().satisfies(finding -> {
      assertThat(finding.details()).containsEntry("rule", "cross-join");
      assertThat(finding.tables()).containsExactly(shipments.table());
      assertThat(finding.callSite()).startsWith(APP + "pairs(Shipments.java:");
      assertThat(finding.message()).startsWith("Cross join: [select ... from " + shipments.table() + " a, ")
          .contains(" joins " + shipments.table() + " with itself without a join condition");
    });
  }

  @Test
  void inListsOfManySizesAreReportedAndPaddedOnesAreNot() throws Exception {
    assertThat(PoolLens.captured(FindingType.SQL_LINT, () -> {
      for (int size : new int[] {1, 2, 4, 8, 16, 8, 2}) {
        shipments.byIds(ids(size));
      }
    })).isEmpty();

    List<Finding> findings = PoolLens.captured(FindingType.SQL_LINT, () -> {
      for (int size : new int[] {1, 2, 3, 5, 6, 7}) {
        shipments.byIds(ids(size));
      }
    });

    assertThat(findings).singleElement().satisfies(finding -> {
      assertThat(finding.details()).containsEntry("rule", "in-list-sizes").containsEntry("listSizes", "1, 2, 3, 5")
          .containsEntry("threshold", 4L);
      assertThat(finding.sql()).isEqualTo("select id, note from " + shipments.table() + " where id in (?)");
      assertThat(finding.columns()).containsExactly("id");
      assertThat(finding.suggestion()).contains("= any(?)").contains("in_clause_parameter_padding");
    });
  }

  private static long[] ids(int size) {
    long[] ids = new long[size];
    for (int i = 0; i < size; i++) {
      ids[i] = i + 1;
    }
    return ids;
  }
}
