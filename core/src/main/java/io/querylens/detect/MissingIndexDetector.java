package io.querylens.detect;

import io.querylens.callsite.CallSite;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.plan.ConnectionOpener;
import io.querylens.plan.IndexAdvice;
import io.querylens.plan.IndexAdvisor;
import io.querylens.record.Execution;
import io.querylens.record.UnitKind;
import io.querylens.sql.SqlAnalyzer;
import io.querylens.sql.StatementKind;
import io.querylens.sql.StatementShape;
import io.querylens.stats.ShapeStats;
import java.util.Locale;
import java.util.Set;

/**
 * Missing index: a statement shape whose plan reads a big table from start to end although an index on the columns
 * it filters, joins or sorts on would serve it. Each SELECT, UPDATE or DELETE shape is planned once, when one of its
 * executions takes {@code index.explain.min.ms} or it has run {@code index.explain.min.executions} times, by an
 * {@link IndexAdvisor} on its own thread; the application thread only queues the request (and walks the stack once for
 * the call site). One finding per suggested index (several shapes needing the same one are one problem), and one per
 * existing index a statement keeps from being used (a function or cast on its column, a leading wildcard).
 */
public final class MissingIndexDetector implements Detector {

  public static final String ID = "missing-index";

  private final long explainMinNanos;
  private final long explainMinExecutions;
  private final IndexAdvisor advisor;

  public MissingIndexDetector(
      SqlAnalyzer analyzer, long minRows, long explainMinMillis, long explainMinExecutions) {
    this.explainMinNanos = explainMinMillis * 1_000_000L;
    this.explainMinExecutions = explainMinExecutions;
    this.advisor = new IndexAdvisor(analyzer, minRows);
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<FindingType> findingTypes() {
    return Set.of(FindingType.MISSING_INDEX);
  }

  @Override
  public boolean onExecution(Execution execution, DetectionSink sink) {
    StatementShape shape = execution.shape();
    StatementKind kind = shape.kind();
    if (shape.isPlaceholder()
        || kind != StatementKind.SELECT && kind != StatementKind.UPDATE && kind != StatementKind.DELETE) {
      return false;
    }
    // A plan taken on may be given back (it could not be made then), so a claimed shape is not done with.
    if (shape.isPlanClaimed() || execution.failed() || execution.isBatch() || execution.checkout() == null) {
      return true; // (no connection querylens saw taken: nothing to plan through, and no need to count executions)
    }
    if (execution.durationNanos() < explainMinNanos && shape.stats().executions() < explainMinExecutions) {
      return true;
    }
    ConnectionOpener opener = ConnectionOpener.of(execution.checkout());
    if (opener == null || !shape.claimPlan()) {
      return true;
    }
    CallSite site = execution.callSite();
    UnitKind unitKind = execution.unit().kind();
    String unitName = execution.unit().name();
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    advisor.submit(new IndexAdvisor.Request(shape, execution.rawSql(), execution.isPrepared(), opener,
        advice -> sink.report(
        new Detection(this, FindingType.MISSING_INDEX, Severity.WARN, shape, site, 1, 0, 0, 0, unitKind, unitName,
            null, null, loader, problemKey(advice), advice))));
    return true;
  }

  private static String problemKey(IndexAdvice advice) {
    return FindingType.MISSING_INDEX + "|" + advice.table() + "|"
        + (advice.candidate() != null ? String.join(",", advice.candidate().columnNames())
            : "defeated " + advice.defeatedIndex());
  }

  /**
   * Starts the advisor's thread with querylens, so that the first shape is planned at once (an application that runs
   * a query and exits gives it little time; an in-memory database may be gone soon after).
   */
  @Override
  public void start() {
    advisor.start();
  }

  @Override
  public void finishPending(long timeoutNanos) {
    advisor.awaitIdle(timeoutNanos);
  }

  @Override
  public void close() {
    advisor.close();
  }

  @Override
  public Finding describe(Detection detection, SqlAnalyzer analyzer) {
    IndexAdvice advice = (IndexAdvice) detection.evidence();
    StatementShape shape = detection.shape();
    ShapeStats.Snapshot stats = shape.stats().snapshot();
    String scan = advice.database().equals("PostgreSQL") ? "a sequential scan" : "a full table scan";
    StringBuilder message = new StringBuilder("Missing index: ").append(advice.table()).append(" is read by ")
        .append(scan).append(" (").append(String.format(Locale.ROOT, "%,d", advice.tableRows())).append(" rows");
    double filtered = advice.filteredShare();
    if (!Double.isNaN(filtered)) {
      // Rounded down: a filter that keeps one row in 50,000 is "~99.9%", never "100.0%".
      message.append(String.format(Locale.ROOT, ", ~%.1f%% filtered out", Math.floor(filtered * 1000) / 10));
    }
    message.append(") for [").append(SqlText.abbreviate(shape.sql())).append("] from ").append(detection.callSite())
        .append(", ").append(stats.executions()).append(stats.executions() == 1 ? " time" : " times")
        .append(" so far, p95 ").append(SqlText.millis(stats.p95Nanos())).append('.');
    Finding.Builder finding = Finding.builder(FindingType.MISSING_INDEX, detection.severity(), ID)
        .sql(shape.sql())
        .tables(java.util.List.of(advice.table()))
        .callSite(detection.callSite().toString())
        .count(stats.executions())
        .problemKey(detection.problemKey());
    if (advice.candidate() != null) {
      message.append(" Candidate index on ").append(advice.table()).append(" (")
          .append(String.join(", ", advice.candidate().columnNames())).append("): ").append(proof(advice))
          .append('.');
      if (!advice.reasons().isEmpty()) {
        message.append(" Also: ").append(String.join("; ", advice.reasons())).append('.');
      }
      finding.columns(advice.candidate().filterColumns().isEmpty() ? advice.candidate().columnNames()
              : advice.candidate().filterColumns())
          .suggestion("Create it: " + advice.ddl() + howItBuilds(advice.ddl())
              + " Its columns: equality and join columns first, then a range column, then the sort keys.")
          .detail("ddl", advice.ddl())
          .detail("indexColumns", advice.candidate().columnNames())
          .detail("verified", advice.verified());
    } else {
      message.append(" The index ").append(advice.defeatedIndex()).append(" exists but cannot be used: ")
          .append(String.join("; ", advice.reasons())).append('.');
      finding.columns(advice.reasons().stream().map(reason -> reason.substring(0, reason.indexOf(' '))).toList())
          .suggestion("Compare the bare column with a value of its own type (convert the value, not the column), "
              + "avoid a leading wildcard, or create an expression index on exactly the expression the filter uses.")
          .detail("defeatedIndex", advice.defeatedIndex());
    }
    return finding.message(message.toString())
        .detail("database", advice.database())
        .detail("tableRows", advice.tableRows())
        .detail("estimatedScanRows", Double.isNaN(advice.scanRows()) ? null : (long) advice.scanRows())
        .detail("costBefore", Double.isNaN(advice.costBefore()) ? null : round(advice.costBefore()))
        .detail("costAfter", Double.isNaN(advice.costAfter()) ? null : round(advice.costAfter()))
        .detail("executions", stats.executions())
        .detail("p95Ms", SqlText.millisValue(stats.p95Nanos()))
        .detail("unit", detection.unitKind().label() + " " + detection.unitName())
        .build();
  }

  /** What the DDL's options do, for a reader who has not met them. */
  private static String howItBuilds(String ddl) {
    if (ddl.startsWith("CREATE INDEX CONCURRENTLY ")) {
      return " (CONCURRENTLY builds it without blocking writes; run it outside a transaction block).";
    }
    if (ddl.endsWith(" ALGORITHM=INPLACE LOCK=NONE")) {
      return " (ALGORITHM=INPLACE LOCK=NONE builds it without blocking writes, or fails at once rather than lock the "
          + "table).";
    }
    return ".";
  }

  private static String proof(IndexAdvice advice) {
    if (advice.verified()) {
      return String.format(Locale.ROOT, "planner cost %s -> %s with it (checked with a hypothetical index)",
          cost(advice.costBefore()), cost(advice.costAfter()));
    }
    return advice.database().equals("PostgreSQL")
        ? "unverified (install the HypoPG extension to have it checked with a hypothetical index)"
        : "unverified (" + advice.database() + " cannot test an index without building it)";
  }

  private static String cost(double cost) {
    return cost >= 100 ? String.format(Locale.ROOT, "%,.0f", cost) : String.format(Locale.ROOT, "%.2f", cost);
  }

  private static double round(double cost) {
    return Math.round(cost * 100) / 100.0;
  }
}
