package io.querylens.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.querylens.callsite.CallSite;
import io.querylens.detect.Detection;
import io.querylens.detect.Detector;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.internal.Diagnostics;
import io.querylens.record.UnitKind;
import io.querylens.sql.ShapeRegistry;
import io.querylens.sql.SqlAnalyzer;
import io.querylens.sql.SqlNormalizer;
import io.querylens.sql.StatementShape;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReporterTest {

  private final ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
  private final SqlAnalyzer analyzer = new SqlAnalyzer();
  private final ShapeRegistry shapes = new ShapeRegistry(new SqlNormalizer(), 100, shape -> {});
  private final AtomicInteger described = new AtomicInteger();

  @BeforeEach
  void captureDiagnostics() {
    Diagnostics.reset();
    Diagnostics.redirect(new PrintStream(diagnostics, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    analyzer.close();
    Diagnostics.reset();
    Diagnostics.redirect(null);
  }

  private final Detector detector = new Detector() {
    @Override
    public java.util.Set<io.querylens.finding.FindingType> findingTypes() {
      return java.util.Set.of();
    }

    @Override
    public String id() {
      return "stub";
    }

    @Override
    public Finding describe(Detection detection, SqlAnalyzer analyzer) {
      described.incrementAndGet();
      if (detection.unitName().equals("explode")) {
        throw new IllegalStateException("cannot describe");
      }
      return Finding.builder(detection.type(), detection.severity(), id())
          .sql(detection.shape() == null ? "" : detection.shape().sql())
          .count(detection.count())
          .message(detection.problemKey())
          .problemKey(detection.problemKey())
          .detail("durationMs", detection.totalNanos() / 1_000_000L)
          .detail("thresholdMs", 100)
          .build();
    }
  };

  private Detection detection(String key, long count) {
    return detection(key, count, "unit");
  }

  private Detection detection(String key, long count, String unitName) {
    StatementShape shape = shapes.resolve("select * from t where id = 1").shape();
    return new Detection(detector, FindingType.N_PLUS_ONE, Severity.WARN, shape, CallSite.UNKNOWN, count, count,
        1_000_000L * count, 1_000_000L, UnitKind.SCOPE, unitName, null, null, null, key, null);
  }

  private Detection detection(FindingType type, Severity severity, String sql, long millis) {
    StatementShape shape = shapes.resolve(sql).shape();
    return new Detection(detector, type, severity, shape, CallSite.UNKNOWN, 1, 0, millis * 1_000_000L,
        millis * 1_000_000L, UnitKind.SCOPE, "unit", null, null, null, type + "|" + severity + "|" + sql, null);
  }

  /** Remembers what it was given. */
  static final class RecordingSink implements FindingSink {
    final List<String> seen = new ArrayList<>();

    @Override
    public void accept(Finding finding) {
      seen.add(finding.message());
    }

    @Override
    public void summary(RunSummary summary) {
      seen.add("summary");
    }

    @Override
    public void close() {
      seen.add("closed");
    }
  }

  /** Throws from everything. */
  static final class ExplodingSink implements FindingSink {
    @Override
    public void accept(Finding finding) {
      throw new IllegalStateException("disk full");
    }

    @Override
    public void summary(RunSummary summary) {
      throw new IllegalStateException("disk full");
    }

    @Override
    public void close() {
      throw new IllegalStateException("disk full");
    }
  }

  @Test
  void aProblemSeenAgainIsCountedNotReportedAgain() {
    RecordingSink sink = new RecordingSink();
    Reporter reporter = new Reporter(List.of(sink), analyzer, 100, 100);

    reporter.report(detection("a", 5));
    reporter.report(detection("b", 2));
    reporter.report(detection("a", 6));
    reporter.report(detection("a", 7));

    assertThat(reporter.drain()).isEqualTo(4);
    assertThat(sink.seen).containsExactly("a", "b");
    assertThat(described).hasValue(2);
    assertThat(reporter.findings()).extracting(Finding::message).containsExactly("a", "b");
    assertThat(reporter.problems()).satisfiesExactly(
        a -> {
          assertThat(a.occurrences()).isEqualTo(3);
          assertThat(a.executions()).isEqualTo(18);
          assertThat(a.finding().count()).isEqualTo(5);
          assertThat(a.largestCount()).isEqualTo(7);
        },
        b -> {
          assertThat(b.occurrences()).isEqualTo(1);
          assertThat(b.executions()).isEqualTo(2);
          assertThat(b.largestCount()).isEqualTo(2);
        });
    assertThat(new RunSummary(4, 2, reporter.problems(), List.of(), 0, Map.of(), List.of(), List.of(), 0).text())
        .contains(" seen 3 times (count up to 7): [").contains(" seen 1 time: [");

    reporter.report(detection("b", 3));
    assertThat(reporter.drain()).isEqualTo(1);
    assertThat(sink.seen).containsExactly("a", "b");
    assertThat(reporter.problems().get(1).occurrences()).isEqualTo(2);
  }

  @Test
  void aDetectionAboutNoStatementShapeIsReported() {
    RecordingSink sink = new RecordingSink();
    Reporter reporter = new Reporter(List.of(sink), analyzer, 100, 100);

    for (FindingType type : List.of(FindingType.SLO_BREACH, FindingType.CHATTY_REQUEST, FindingType.POOL_EXHAUSTION)) {
      reporter.report(new Detection(detector, type, Severity.WARN, null, CallSite.UNKNOWN, 1, 0, 0, 0, null,
          "GET /x", null, null, null, type + "|GET /x", null));
    }
    reporter.drainAll();

    assertThat(sink.seen).hasSize(3);
    assertThat(Diagnostics.errorCounts()).isEmpty();
  }

  @Test
  void aSinkThatThrowsDoesNotStopTheOthers() {
    RecordingSink before = new RecordingSink();
    RecordingSink after = new RecordingSink();
    Reporter reporter = new Reporter(List.of(before, new ExplodingSink(), after), analyzer, 100, 100);

    reporter.report(detection("a", 5));
    reporter.report(detection("b", 5));
    reporter.drain();
    reporter.summary(new RunSummary(1, 1, reporter.problems(), List.of(), 0, Map.of(), List.of(), List.of(), 0));
    reporter.close();

    assertThat(before.seen).containsExactly("a", "b", "summary", "closed");
    assertThat(after.seen).containsExactly("a", "b", "summary", "closed");
    assertThat(Diagnostics.errorCounts()).containsExactly(Map.entry("finding sink ExplodingSink", 4L));
    assertThat(diagnostics.toString(StandardCharsets.UTF_8).lines())
        .singleElement()
        .satisfies(line -> assertThat(line).contains("finding sink ExplodingSink").contains("disk full"));
  }

  @Test
  void aDetectionThatCannotBeDescribedIsSkipped() {
    RecordingSink sink = new RecordingSink();
    Reporter reporter = new Reporter(List.of(sink), analyzer, 100, 100);

    reporter.report(detection("a", 5, "explode"));
    reporter.report(detection("b", 5));

    assertThat(reporter.drain()).isEqualTo(2);
    assertThat(sink.seen).containsExactly("b");
    assertThat(Diagnostics.errorCounts()).containsEntry("reporting a finding", 1L);
  }

  @Test
  void aFullQueueDropsAndCounts() {
    RecordingSink sink = new RecordingSink();
    Reporter reporter = new Reporter(List.of(sink), analyzer, 2, 100);

    for (int i = 0; i < 5; i++) {
      reporter.report(detection("k" + i, 1));
    }

    assertThat(reporter.drain()).isEqualTo(2);
    assertThat(sink.seen).containsExactly("k0", "k1");
    assertThat(Diagnostics.dropCounts()).containsEntry("detections", 3L);
  }

  @Test
  void distinctProblemsAreCapped() {
    RecordingSink sink = new RecordingSink();
    Reporter reporter = new Reporter(List.of(sink), analyzer, 100, 2);

    for (int i = 0; i < 4; i++) {
      reporter.report(detection("k" + i, 1));
    }
    reporter.drain();

    assertThat(sink.seen).containsExactly("k0", "k1");
    assertThat(reporter.findings()).hasSize(2);
    assertThat(Diagnostics.dropCounts()).containsEntry("findings", 2L);
  }

  @Test
  void aSlowQueryThatAnotherFindingExplainsIsFoldedIntoIt() {
    RecordingSink sink = new RecordingSink();
    Reporter reporter = new Reporter(List.of(sink), analyzer, 100, 100);
    String scan = "select id from parcels where carrier_id = ?";

    reporter.report(detection(FindingType.SLOW_QUERY, Severity.WARN, scan, 240));
    reporter.report(detection(FindingType.SLOW_QUERY, Severity.ERROR, scan, 1_300));
    reporter.report(detection(FindingType.SLOW_QUERY, Severity.WARN, "select id from other where a = ?", 150));
    reporter.drain();
    assertThat(sink.seen).as("slow queries are held a moment").isEmpty();

    reporter.report(detection(FindingType.MISSING_INDEX, Severity.WARN, scan, 0));
    reporter.drain();
    assertThat(reporter.findings()).singleElement().satisfies(finding -> {
      assertThat(finding.type()).isEqualTo(FindingType.MISSING_INDEX);
      assertThat(finding.severity()).isEqualTo(Severity.ERROR);
      assertThat(finding.message()).contains("It is also a slow query: 1300 ms for one execution (threshold 100 ms)");
      assertThat(finding.details()).containsEntry("slowMs", 1_300L).containsEntry("slowThresholdMs", 100);
    });

    reporter.report(detection(FindingType.SLOW_QUERY, Severity.WARN, scan, 500)); // explained already: dropped
    reporter.drainAll();
    assertThat(reporter.findings()).extracting(Finding::type)
        .containsExactly(FindingType.MISSING_INDEX, FindingType.SLOW_QUERY);
    assertThat(reporter.findings().get(1).sql()).isEqualTo("select id from other where a = ?");
  }

  @Test
  void aSuppressedFindingExplainsNothingAwaySoWhatItWouldFoldInIsReportedOnItsOwn() {
    RecordingSink sink = new RecordingSink();
    Reporter reporter = new Reporter(List.of(sink), analyzer, 100, 100,
        new Suppressions(List.of("MISSING_INDEX")));
    String scan = "select id from parcels where carrier_id = ?";

    reporter.report(detection(FindingType.SLOW_QUERY, Severity.ERROR, scan, 1_300));
    reporter.drain();
    reporter.report(detection(FindingType.MISSING_INDEX, Severity.WARN, scan, 0));
    reporter.drainAll();

    assertThat(reporter.findings()).as("the deliberate full scan is silenced; its 1.3 s run is not")
        .singleElement().satisfies(finding -> assertThat(finding.type()).isEqualTo(FindingType.SLOW_QUERY));
    assertThat(reporter.suppressed()).isEqualTo(1);
    reporter.report(detection(FindingType.MISSING_INDEX, Severity.WARN, scan, 0));
    reporter.drainAll();
    assertThat(reporter.suppressed()).as("the same problem again is not counted twice").isEqualTo(1);
  }
}
