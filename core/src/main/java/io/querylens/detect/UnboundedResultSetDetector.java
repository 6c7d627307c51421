package io.querylens.detect;

import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.record.Execution;
import io.querylens.sql.SqlAnalyzer;
import io.querylens.sql.SqlStructure;
import io.querylens.sql.StatementKind;
import io.querylens.sql.StatementShape;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Unbounded result set: a SELECT with no row limit (no LIMIT, FETCH FIRST, TOP or ROWNUM anywhere in it) that returned
 * at least {@code rows.threshold} rows. The rows are read from the driver's result set right after the query (H2 and
 * PostgreSQL; other drivers are not judged) when they were read anyway (the shape's row sample, a test's capture), or
 * when the query took {@value #MIN_MICROS} µs or more (no database hands over ten thousand rows faster) and longer
 * than any execution of its shape read in the last second that returned too few. Many rows take longer to send
 * than few, so the execution that returns them is slower than the ones read before it; while a shape keeps returning
 * few, only an execution slower than those is read (the queries of a networked database all take more than 50 µs,
 * and reading every one cost about a tenth of querylens' time per statement under load). The row sample (about one
 * execution in 64) reads some of the others. Reported once per shape; an aggregate ({@code count(*)})
 * or a small lookup table never qualifies.
 */
public final class UnboundedResultSetDetector implements Detector {

  public static final String ID = "unbounded-result-set";

  static final long MIN_MICROS = 50;
  private static final long MIN_NANOS = MIN_MICROS * 1_000;
  private static final int MAX_REMEMBERED = 10_000;

  private final long threshold;
  private final Set<StatementShape> reported = ConcurrentHashMap.newKeySet();

  public UnboundedResultSetDetector(long threshold) {
    this.threshold = threshold;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<FindingType> findingTypes() {
    return Set.of(FindingType.UNBOUNDED_RESULT_SET);
  }

  @Override
  public boolean onExecution(Execution execution, DetectionSink sink) {
    long nanos = execution.durationNanos();
    StatementShape shape = execution.shape();
    if (shape.kind() != StatementKind.SELECT || shape.isLimited() || shape.isPlaceholder()) {
      return false;
    }
    if (!execution.rowsRead() && (nanos < MIN_NANOS || nanos <= shape.rowsCheckedUpToNanos(execution.endNanos()))) {
      return true;
    }
    if (execution.failed() || execution.isBatch()) {
      return true;
    }
    if (reported.contains(shape)) {
      return false;
    }
    long rows = execution.returnedRows();
    if (rows < threshold) {
      shape.rowsCheckedUpTo(nanos, execution.endNanos());
      return true;
    }
    if (reported.size() >= MAX_REMEMBERED || !reported.add(shape)) {
      return false;
    }
    var unit = execution.unit();
    sink.report(new Detection(this, FindingType.UNBOUNDED_RESULT_SET, Severity.WARN, shape, execution.callSite(),
        rows, 0, execution.durationNanos(), execution.durationNanos(), unit.kind(), unit.name(), null, null,
        Thread.currentThread().getContextClassLoader(), FindingType.UNBOUNDED_RESULT_SET + "|" + shape.sql(), null));
    return false;
  }

  @Override
  public Finding describe(Detection detection, SqlAnalyzer analyzer) {
    StatementShape shape = detection.shape();
    SqlStructure structure = shape.structure(analyzer);
    long rows = detection.count();
    String message = String.format(Locale.ROOT, "Unbounded result set: [%s] returned %,d rows with no LIMIT, from %s "
        + "in %s %s (%s for the query; threshold %,d rows). Every row is sent, and held in memory by the driver and "
        + "the code that reads it; it grows with the table.", SqlText.abbreviate(shape.sql()), rows,
        detection.callSite(), detection.unitKind().label(), detection.unitName(),
        SqlText.millis(detection.totalNanos()), threshold);
    String suggestion = "Fetch what is shown or needed: page it (LIMIT with keyset pagination), filter it further, or "
        + "aggregate in SQL (count, sum, group by) instead of in code. If every row is really needed (an export), "
        + "stream it: a fetch size (with PostgreSQL, setFetchSize(n) on a connection with auto-commit off; "
        + "Hibernate's ScrollableResults or Stream results, JdbcTemplate's setFetchSize) so memory stays flat.";
    return Finding.builder(FindingType.UNBOUNDED_RESULT_SET, detection.severity(), ID)
        .sql(shape.sql())
        .tables(structure.tables())
        .columns(structure.filterColumns())
        .callSite(detection.callSite().toString())
        .count(rows)
        .message(message)
        .suggestion(suggestion)
        .problemKey(detection.problemKey())
        .detail("rows", rows)
        .detail("threshold", threshold)
        .detail("durationMs", SqlText.millisValue(detection.totalNanos()))
        .detail("unit", detection.unitKind().label() + " " + detection.unitName())
        .build();
  }
}
