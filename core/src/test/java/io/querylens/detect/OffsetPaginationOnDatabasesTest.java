package io.querylens.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.shipping.Shipments;
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
 * The OFFSET pagination detector on real databases, through the data source wrapper over a HikariCP pool: a deep
 * offset bound as a parameter or written into the SQL is reported once for a loop over pages, with the keyset form;
 * shallow offsets and keyset pages are not; pages without ORDER BY are.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.querylens.testing.TestDatabases#all")
class OffsetPaginationOnDatabasesTest {

  private static final String APP = "com.example.shipping.Shipments.";

  @Parameter TestDatabase database;

  private PoolLens lens;
  private Shipments shipments;

  @BeforeEach
  void open() throws SQLException {
    lens = new PoolLens(database, settings -> settings.set(Settings.INDEX_ADVICE, false));
    shipments = lens.shipments("pages", 5_000);
  }

  @AfterEach
  void close() throws SQLException {
    if (lens != null) {
      lens.close();
    }
  }

  @Test
  void aDeepBoundOffsetIsReportedOnceForALoopOverPagesWithTheKeysetForm() throws Exception {
    List<Finding> findings = PoolLens.captured(FindingType.OFFSET_PAGINATION, () -> {
      for (int offset = 0; offset <= 3_000; offset += 500) {
        assertThat(shipments.page(offset, 50)).isEqualTo(50);
      }
    });

    assertThat(findings).hasSize(1);
    Finding finding = findings.get(0);
    assertThat(finding.severity()).isEqualTo(Severity.WARN);
    assertThat(finding.detectorId()).isEqualTo("offset-pagination");
    assertThat(finding.tables()).containsExactly(shipments.table());
    assertThat(finding.columns()).containsExactly("shipped_at", "id");
    assertThat(finding.callSite()).startsWith(APP + "page(Shipments.java:");
    assertThat(finding.details()).containsEntry("offset", 1_000L).containsEntry("threshold", 1_000L)
        .containsEntry("keyset", "where (shipped_at, id) < (?, ?) order by shipped_at desc, id desc limit ?");
    assertThat(finding.message()).startsWith("Deep OFFSET pagination: [select id, shipped_at from " + shipments.table()
        + " order by shipped_at desc, id desc limit ? offset ?] skipped 1,000 rows to read one page, from " + APP
        + "page(Shipments.java:");
    assertThat(finding.suggestion()).startsWith("Page by key instead (keyset pagination)");
  }

  @Test
  void aDeepLiteralOffsetIsReported() throws Exception {
    List<Finding> findings = PoolLens.captured(FindingType.OFFSET_PAGINATION, () -> shipments.pageWithLiterals(2_500, 20));

    assertThat(findings).hasSize(1);
    assertThat(findings.get(0).details()).containsEntry("offset", 2_500L)
        .containsEntry("keyset", "where id > ? order by id limit ?");
    assertThat(findings.get(0).callSite()).startsWith(APP + "pageWithLiterals(Shipments.java:");
  }

  @Test
  void shallowOffsetsAndKeysetPagesAreNotReported() throws Exception {
    List<Finding> findings = PoolLens.captured(FindingType.OFFSET_PAGINATION, () -> {
      for (int offset = 0; offset < 1_000; offset += 100) {
        shipments.page(offset, 50);
      }
      for (long after = 0; after < 4_000; after += 500) {
        shipments.pageAfter(after, 50);
      }
    });

    assertThat(findings).isEmpty();
  }

  @Test
  void pagesWithoutOrderByAreReportedWhateverTheOffset() throws Exception {
    List<Finding> findings = PoolLens.captured(FindingType.OFFSET_PAGINATION, () -> shipments.pageInAnyOrder(20, 10));

    assertThat(findings).hasSize(1);
    assertThat(findings.get(0).message()).startsWith("Pagination without ORDER BY: ");
    assertThat(findings.get(0).details()).containsEntry("offset", 20L).containsEntry("orderBy", false);
  }
}
