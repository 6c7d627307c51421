package io.querylens.detect;

import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.record.Execution;
import io.querylens.sql.SqlAnalyzer;
import io.querylens.sql.SqlStructure;
import io.querylens.sql.StatementKind;
import io.querylens.sql.StatementShape;
import io.querylens.stats.ShapeStats;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slow query: one execution taking at least {@code slow.threshold.ms} (WARN), or ten times that (ERROR). Reported once
 * per shape and severity; every execution still counts in the shape's statistics, which the shutdown summary lists.
 * DDL (create, alter, drop, ...) is left out: schema changes are slow by nature and run at deploy time, not on the
 * paths users wait for. So are statements whose SQL querylens never saw: a finding without its statement helps nobody.
 *
 * <p>The first execution of a shape must take at least {@value #FIRST_RUN_FACTOR} times the threshold to count: it
 * also pays for one-time work (the driver's and the JIT's warm-up, the server parsing and planning the statement for
 * the first time), which made cold starts look like slow queries. A statement that is really slow is slow again the
 * next time; one that runs only once is still reported when it is clearly slow.
 */
public final class SlowQueryDetector implements Detector {

  public static final String ID = "slow-query";

  private static final int ERROR_FACTOR = 10;
  static final int FIRST_RUN_FACTOR = 2;
  private static final int MAX_REMEMBERED = 10_000;

  private final long thresholdNanos;
  private final boolean showParameters;
  /** The severity already reported per shape, so a shape that is slow every time is reported once. */
  private final ConcurrentHashMap<StatementShape, Severity> reported = new ConcurrentHashMap<>();

  public SlowQueryDetector(long thresholdMillis, boolean showParameters) {
    this.thresholdNanos = thresholdMillis * 1_000_000L;
    this.showParameters = showParameters;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<FindingType> findingTypes() {
    return Set.of(FindingType.SLOW_QUERY);
  }

  @Override
  public boolean onExecution(Execution execution, DetectionSink sink) {
    long nanos = execution.durationNanos();
    StatementShape shape = execution.shape();
    if (shape.kind() == StatementKind.DDL || shape.isPlaceholder()) {
      return false;
    }
    if (nanos < thresholdNanos) {
      return true;
    }
    if (nanos < thresholdNanos * FIRST_RUN_FACTOR && shape.stats().executions() <= 1) {
      return true;
    }
    Severity severity = nanos >= thresholdNanos * ERROR_FACTOR ? Severity.ERROR : Severity.WARN;
    Severity before = reported.get(shape);
    if (before != null && before.compareTo(severity) >= 0) {
      return before != Severity.ERROR;
    }
    if (before == null && reported.size() >= MAX_REMEMBERED) {
      return true;
    }
    reported.put(shape, severity);
    var unit = execution.unit();
    sink.report(new Detection(this, FindingType.SLOW_QUERY, severity, shape, execution.callSite(), 1, 0, nanos,
        nanos, unit.kind(), unit.name(), showParameters ? execution.rawSql() : null,
        showParameters ? execution.parameters() : null, Thread.currentThread().getContextClassLoader(),
        FindingType.SLOW_QUERY + "|" + severity + "|" + shape.sql(), shape.stats().snapshot()));
    return severity != Severity.ERROR; // an error is said once; a warning may still become one
  }

  @Override
  public Finding describe(Detection detection, SqlAnalyzer analyzer) {
    StatementShape shape = detection.shape();
    SqlStructure structure = shape.structure(analyzer);
    // The figures when it was seen: the reporter may hold a slow query a moment before describing it.
    ShapeStats.Snapshot stats = detection.evidence() instanceof ShapeStats.Snapshot seen ? seen
        : shape.stats().snapshot();
    long thresholdMs = thresholdNanos / 1_000_000L;
    String message = "Slow query: " + SqlText.millis(detection.totalNanos()) + " for [" + SqlText.abbreviate(shape.sql())
        + "] from " + detection.callSite() + " in " + detection.unitKind().label() + " " + detection.unitName()
        + " (threshold " + thresholdMs + " ms" + (detection.severity() == Severity.ERROR ? ", ERROR from "
        + thresholdMs * ERROR_FACTOR + " ms" : "") + "; this shape so far: " + stats.executions()
        + (stats.executions() == 1 ? " run" : " runs") + ", p95 "
        + SqlText.millis(stats.p95Nanos()) + ", max " + SqlText.millis(stats.maxNanos()) + ").";
    return Finding.builder(FindingType.SLOW_QUERY, detection.severity(), ID)
        .sql(shape.sql())
        .tables(structure.tables())
        .columns(structure.filterColumns())
        .callSite(detection.callSite().toString())
        .count(detection.count())
        .message(message)
        .suggestion(suggestion(structure))
        .problemKey(detection.problemKey())
        .detail("durationMs", SqlText.millisValue(detection.totalNanos()))
        .detail("thresholdMs", thresholdMs)
        .detail("unit", detection.unitKind().label() + " " + detection.unitName())
        .detail("unitKind", detection.unitKind().name())
        .detail("executions", stats.executions())
        .detail("p95Ms", SqlText.millisValue(stats.p95Nanos()))
        .detail("maxMs", SqlText.millisValue(stats.maxNanos()))
        .detail("rawSql", detection.rawSql())
        .detail("parameters", detection.parameters())
        .build();
  }

  private static String suggestion(SqlStructure structure) {
    List<String> columns = structure.filterColumns();
    String where = columns.isEmpty() ? "" : " If the filter on " + String.join(", ", columns)
        + " is selective, an index on " + (columns.size() == 1 ? "it" : "them") + " may help.";
    boolean equalityLookup = structure.predicates().stream()
        .anyMatch(predicate -> predicate.operator() == SqlStructure.Operator.EQUALITY);
    String limit = structure.kind() == StatementKind.SELECT && !structure.limit().present() && !equalityLookup
        ? " If it returns many rows, page through them or select fewer columns." : "";
    return "Run EXPLAIN (ANALYZE, BUFFERS) on it and look for sequential scans of large tables, sorts spilling to "
        + "disk and row estimates far from the actual counts." + where + limit;
  }
}
