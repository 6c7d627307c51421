package io.querylens.detect;

import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.record.Execution;
import io.querylens.sql.SqlAnalyzer;
import io.querylens.sql.SqlStructure;
import io.querylens.sql.StatementKind;
import io.querylens.sql.StatementShape;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SELECT * (INFO): a query whose outermost select list is {@code *} or {@code t.*}, so it returns every column of the
 * table, today's and those added later, whether the application reads them or not. {@code exists (select * ...)} and
 * {@code count(*)} are not. Reported once per statement shape, at the first execution after the shape's analysis is
 * ready (analysis runs off the application thread, so the very first execution usually passes unjudged); that
 * execution's call site is the one walk it costs.
 */
public final class SelectStarDetector implements Detector {

  public static final String ID = "select-star";

  private static final int MAX_REMEMBERED = 10_000;

  /** Star shapes reported already. */
  private final Set<StatementShape> judged = ConcurrentHashMap.newKeySet();

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<FindingType> findingTypes() {
    return Set.of(FindingType.SELECT_STAR);
  }

  @Override
  public boolean onExecution(Execution execution, DetectionSink sink) {
    StatementShape shape = execution.shape();
    if (shape.kind() != StatementKind.SELECT || shape.isPlaceholder()) {
      return false;
    }
    SqlStructure structure = shape.structure();
    if (structure == null || SqlAnalyzer.isTransient(structure)) {
      return true; // not analysed yet (that happens off the application's thread), or to be analysed again
    }
    if (!structure.outerSelectStar() || judged.contains(shape) || judged.size() >= MAX_REMEMBERED
        || !judged.add(shape)) {
      return false;
    }
    var unit = execution.unit();
    sink.report(new Detection(this, FindingType.SELECT_STAR, Severity.INFO, shape, execution.callSite(), 1, 0,
        execution.durationNanos(), execution.durationNanos(), unit.kind(), unit.name(), null, null,
        Thread.currentThread().getContextClassLoader(), FindingType.SELECT_STAR + "|" + shape.sql(), null));
    return false;
  }

  @Override
  public Finding describe(Detection detection, SqlAnalyzer analyzer) {
    StatementShape shape = detection.shape();
    SqlStructure structure = shape.structure(analyzer);
    String tables = structure.tables().isEmpty() ? "its tables" : String.join(", ", structure.tables());
    return Finding.builder(FindingType.SELECT_STAR, Severity.INFO, ID)
        .sql(shape.sql())
        .tables(structure.tables())
        .columns(structure.filterColumns())
        .callSite(detection.callSite().toString())
        .count(1)
        .message("SELECT *: [" + SqlText.abbreviate(shape.sql()) + "] from " + detection.callSite() + " returns every"
            + " column of " + tables + ", including those added later.")
        .suggestion("Name the columns the code reads: less data read and sent, covering indexes become possible, and"
            + " a column added to the table later changes nothing here. With JPA, a DTO projection or an interface"
            + " projection selects only its columns.")
        .problemKey(detection.problemKey())
        .detail("unit", detection.unitKind().label() + " " + detection.unitName())
        .build();
  }
}
