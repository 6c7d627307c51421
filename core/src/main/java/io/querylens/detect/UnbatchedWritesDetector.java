package io.querylens.detect;

import io.querylens.callsite.CallSite;
import io.querylens.callsite.Origin;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.record.ShapeTally;
import io.querylens.record.UnitOfWork;
import io.querylens.sql.SqlAnalyzer;
import io.querylens.sql.SqlStructure;
import io.querylens.sql.StatementShape;
import java.util.Set;

/**
 * Unbatched writes: one INSERT, UPDATE, DELETE or MERGE shape executed one row at a time at least
 * {@code batch.threshold} times from one call site in one unit of work. Each execution is a round trip; a JDBC batch
 * sends them together. Executions inside a real batch ({@code executeBatch}, Hibernate's batching) are never counted,
 * nor is {@code insert ... select}, which writes a set of rows per execution.
 * Judged when the unit ends, from the counts the recorder kept.
 */
public final class UnbatchedWritesDetector implements Detector {

  public static final String ID = "unbatched-writes";

  private final int threshold;

  public UnbatchedWritesDetector(int threshold) {
    this.threshold = threshold;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<FindingType> findingTypes() {
    return Set.of(FindingType.UNBATCHED_WRITES);
  }

  @Override
  public void onUnitEnd(UnitOfWork unit, DetectionSink sink) {
    for (ShapeTally tally : unit.tallies()) {
      if (!mayBeUnbatched(tally, threshold)) {
        continue;
      }
      for (int i = 0; i < tally.siteCount(); i++) {
        int executions = tally.siteExecutions(i);
        if (executions < threshold) {
          continue;
        }
        CallSite site = tally.site(i);
        sink.report(new Detection(this, FindingType.UNBATCHED_WRITES, Severity.WARN, tally.shape(), site,
            executions, tally.siteDistinctValues(i), tally.siteNanos(i), tally.maxNanos(), unit.kind(), unit.name(),
            null, null, unit.contextLoader(),
            FindingType.UNBATCHED_WRITES + "|" + tally.shape().sql() + "|" + site + "|" + unit.kind(), null));
      }
    }
  }

  /** {@code insert into ... select ...} writes a set of rows per execution: batching has nothing to add. */
  /** Whether some call site of {@code tally} may have written {@code threshold} rows one at a time. */
  private static boolean mayBeUnbatched(ShapeTally tally, int threshold) {
    int single = tally.executions() - tally.batchExecutions() - tally.setBasedExecutions();
    return tally.shape().kind().isWrite() && single >= threshold && !isInsertSelect(tally.shape());
  }

  /**
   * Statements of {@code tally} a batch would have saved, as reported with {@code threshold}: each reported call
   * site's executions but one.
   */
  static int avoidableExecutions(ShapeTally tally, int threshold) {
    if (!mayBeUnbatched(tally, threshold)) {
      return 0;
    }
    int avoidable = 0;
    for (int i = 0; i < tally.siteCount(); i++) {
      if (tally.siteExecutions(i) >= threshold) {
        avoidable += tally.siteExecutions(i) - 1;
      }
    }
    return avoidable;
  }

  static boolean isInsertSelect(StatementShape shape) {
    String sql = shape.sql();
    return sql.startsWith("insert") && (sql.contains(" select ") || sql.contains(") select ")
        || sql.contains(" with "));
  }

  @Override
  public Finding describe(Detection detection, SqlAnalyzer analyzer) {
    StatementShape shape = detection.shape();
    SqlStructure structure = shape.structure(analyzer);
    String message = "Unbatched writes: " + detection.count() + " single-row executions of ["
        + SqlText.abbreviate(shape.sql()) + "] from " + detection.callSite() + " in "
        + detection.unitKind().label() + " " + detection.unitName() + " (total " + SqlText.millis(detection.totalNanos())
        + "), one round trip each.";
    return Finding.builder(FindingType.UNBATCHED_WRITES, Severity.WARN, ID)
        .sql(shape.sql())
        .tables(structure.tables())
        .columns(structure.filterColumns())
        .callSite(detection.callSite().toString())
        .count(detection.count())
        .message(message)
        .suggestion(suggestion(detection.callSite().origin()))
        .problemKey(detection.problemKey())
        .detail("totalMs", SqlText.millisValue(detection.totalNanos()))
        .detail("unit", detection.unitKind().label() + " " + detection.unitName())
        .detail("threshold", threshold)
        .build();
  }

  static String suggestion(Origin origin) {
    return switch (origin) {
      case HIBERNATE_LAZY_COLLECTION, HIBERNATE_LAZY_TO_ONE, HIBERNATE_LAZY_ATTRIBUTE, HIBERNATE_EAGER_TO_ONE,
          HIBERNATE_FIND, HIBERNATE_QUERY, SPRING_DATA_REPOSITORY ->
          "Let Hibernate batch them: hibernate.jdbc.batch_size=50 with hibernate.order_inserts=true and "
              + "hibernate.order_updates=true. Entities with GenerationType.IDENTITY ids are never insert-batched: "
              + "use a sequence (with allocationSize > 1) or assigned/UUID ids.";
      case JDBC_TEMPLATE -> "Send them as one batch: JdbcTemplate.batchUpdate(sql, batchArgs) (or "
          + "NamedParameterJdbcTemplate.batchUpdate).";
      case PLAIN_JDBC -> "Send them as one batch: addBatch() for each row, then executeBatch() (with the PostgreSQL "
          + "driver, reWriteBatchedInserts=true turns an insert batch into multi-row inserts).";
    };
  }
}
