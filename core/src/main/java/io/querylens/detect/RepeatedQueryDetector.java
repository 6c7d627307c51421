package io.querylens.detect;

import io.querylens.callsite.CallSite;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.record.ShapeTally;
import io.querylens.record.UnitOfWork;
import io.querylens.sql.SqlAnalyzer;
import io.querylens.sql.SqlStructure;
import io.querylens.sql.StatementKind;
import io.querylens.sql.StatementShape;
import java.util.Set;

/**
 * Repeated query (INFO): one SELECT shape run with the same bind values at least {@code repeat.threshold} times in one
 * unit of work; the later runs could reuse what the first read (a variable, the persistence context, a cache). Judged
 * when the unit ends. A shape that is an N+1 in the unit (many distinct values from one site) is left to the N+1
 * finding, whose fix removes the repeats too: the two never report the same executions.
 */
public final class RepeatedQueryDetector implements Detector {

  public static final String ID = "repeated-query";

  private final int threshold;
  private final int nPlusOneThreshold;

  public RepeatedQueryDetector(int threshold, int nPlusOneThreshold) {
    this.threshold = threshold;
    this.nPlusOneThreshold = nPlusOneThreshold;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<FindingType> findingTypes() {
    return Set.of(FindingType.REPEATED_QUERY);
  }

  /** Whether {@code tally} is reported as a repeated query with these thresholds. */
  static boolean isRepeated(ShapeTally tally, int threshold, int nPlusOneThreshold) {
    return tally.shape().kind() == StatementKind.SELECT && tally.maxRepeats() >= threshold
        && !NPlusOneDetector.isNPlusOne(tally, nPlusOneThreshold) && tally.busiestSite() >= 0;
  }

  @Override
  public void onUnitEnd(UnitOfWork unit, DetectionSink sink) {
    for (ShapeTally tally : unit.tallies()) {
      if (!isRepeated(tally, threshold, nPlusOneThreshold)) {
        continue;
      }
      CallSite site = tally.site(tally.busiestSite());
      sink.report(new Detection(this, FindingType.REPEATED_QUERY, Severity.INFO, tally.shape(), site,
          tally.maxRepeats(), tally.distinctValues(), tally.totalNanos(), tally.maxNanos(), unit.kind(), unit.name(),
          null, null, unit.contextLoader(),
          FindingType.REPEATED_QUERY + "|" + tally.shape().sql() + "|" + site + "|" + unit.kind(), null));
    }
  }

  @Override
  public Finding describe(Detection detection, SqlAnalyzer analyzer) {
    StatementShape shape = detection.shape();
    SqlStructure structure = shape.structure(analyzer);
    String message = "Repeated query: [" + SqlText.abbreviate(shape.sql()) + "] ran " + detection.count()
        + " times with the same values in " + detection.unitKind().label() + " " + detection.unitName() + ", from "
        + detection.callSite() + ".";
    return Finding.builder(FindingType.REPEATED_QUERY, Severity.INFO, ID)
        .sql(shape.sql())
        .tables(structure.tables())
        .columns(structure.filterColumns())
        .callSite(detection.callSite().toString())
        .count(detection.count())
        .message(message)
        .suggestion("Read it once and reuse the result: keep it in a variable passed along, let the persistence "
            + "context serve it (EntityManager.find/getReference by id), or cache it (@Cacheable) if it rarely "
            + "changes.")
        .problemKey(detection.problemKey())
        .detail("unit", detection.unitKind().label() + " " + detection.unitName())
        .detail("distinctValues", detection.distinctValues())
        .detail("threshold", threshold)
        .build();
  }
}
