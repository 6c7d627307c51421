package io.querylens.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.app.CustomerLookups;
import io.querylens.QueryLens;
import io.querylens.UnitOfWorkScope;
import io.querylens.config.Settings;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.internal.Diagnostics;
import io.querylens.testing.LensFixture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slow queries end to end: threshold 50 ms, statements made slow by sleeping inside the instrumented call. */
@SuppressWarnings("try") // scopes are opened for their extent, as the API documents
class SlowQueryDetectorTest {

  private static final long THRESHOLD_MS = 50;
  // Slow, yet below twice the threshold with room for a busy machine (the first run counts only from 2x).
  private static final long SLOW = 60;
  private static final long VERY_SLOW = 10 * THRESHOLD_MS + 10;

  @TempDir Path directory;
  private LensFixture lens;

  @BeforeEach
  void open() throws Exception {
    lens = new LensFixture(directory);
    lens.start(b -> b.set(Settings.SLOW_THRESHOLD_MS, THRESHOLD_MS));
  }

  @AfterEach
  void close() throws Exception {
    lens.close();
  }

  @Test
  void aSlowQueryIsReportedOncePerShapeAndSeverity() throws Exception {
    try (UnitOfWorkScope scope = QueryLens.unitOfWork("report")) {
      lens.app.loadSlowly(1, SLOW);
      lens.app.loadSlowly(2, SLOW);
    }

    List<Finding> findings = lens.findings();
    assertThat(findings).singleElement().satisfies(finding -> {
      assertThat(finding.type()).isEqualTo(FindingType.SLOW_QUERY);
      assertThat(finding.severity()).isEqualTo(Severity.WARN);
      assertThat(finding.detectorId()).isEqualTo("slow-query");
      assertThat(finding.sql()).isEqualTo(CustomerLookups.BY_ID);
      assertThat(finding.tables()).containsExactly("customers");
      assertThat(finding.columns()).containsExactly("id");
      assertThat(finding.count()).isEqualTo(1);
      assertThat(finding.callSite())
          .matches("com\\.example\\.app\\.CustomerLookups\\.loadSlowly\\(CustomerLookups\\.java:\\d+\\)");
      assertThat(finding.details())
          .containsEntry("thresholdMs", THRESHOLD_MS)
          .containsEntry("unit", "scope report")
          .containsKey("durationMs");
      assertThat((Double) finding.details().get("durationMs")).isGreaterThanOrEqualTo((double) SLOW);
      assertThat(finding.message()).startsWith("Slow query: ").contains("(threshold 50 ms;");
      assertThat(finding.suggestion()).contains("EXPLAIN").contains("If the filter on id is selective, an index on it may help.");
    });
    assertThat(lens.reportLines()).hasSize(1);
  }

  @Test
  void tenTimesTheThresholdIsAnErrorReportedOnceMore() throws Exception {
    lens.app.loadSlowly(0, 0);
    lens.app.loadSlowly(1, SLOW);
    lens.app.loadSlowly(2, VERY_SLOW);
    lens.app.loadSlowly(3, VERY_SLOW);
    lens.app.loadSlowly(4, SLOW);

    List<Finding> findings = lens.findings();
    assertThat(findings).extracting(Finding::severity).containsExactly(Severity.WARN, Severity.ERROR);
    assertThat(findings.get(1).message()).contains("ERROR from 500 ms");
    assertThat(findings.get(1).details()).containsEntry("executions", 3L);
  }

  @Test
  void aShapesFirstRunCountsOnlyFromTwiceTheThreshold() throws Exception {
    lens.app.loadSlowly(1, SLOW);
    assertThat(lens.findings()).as("a first run of 1.2 x the threshold may be a cold start").isEmpty();

    lens.app.loadSlowly(2, SLOW);
    assertThat(lens.findings()).as("slow again").singleElement()
        .satisfies(finding -> assertThat(finding.details()).containsEntry("executions", 2L));
  }

  @Test
  void afterAnErrorAWarningOfTheSameShapeIsNotReported() throws Exception {
    lens.app.loadSlowly(1, VERY_SLOW);
    lens.app.loadSlowly(2, SLOW);

    assertThat(lens.findings()).extracting(Finding::severity).containsExactly(Severity.ERROR);
  }

  @Test
  void fastQueriesAreNotReported() throws Exception {
    lens.app.loadSlowly(1, 0);
    lens.app.loadSlowly(2, 0);

    assertThat(lens.findings()).isEmpty();
  }

  @Test
  void ddlIsNeverASlowQuery() throws Exception {
    lens.app.createTable("audit_log", SLOW);
    lens.app.createTable("audit_log_archive", VERY_SLOW);

    assertThat(lens.findings()).isEmpty();
    assertThat(lens.runtime().recorder().statementCount()).isEqualTo(2);
    assertThat(lens.findingsAfterShutdown()).isEmpty();
    assertThat(Diagnostics.totalErrors()).isZero();
  }
}
