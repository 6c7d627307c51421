package io.querylens.detect;

import io.querylens.callsite.CallSite;
import io.querylens.endpoint.EndpointStats;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.internal.Diagnostics;
import io.querylens.pool.ConnectionTracker;
import io.querylens.sql.SqlAnalyzer;
import io.querylens.sql.SqlStructure;
import io.querylens.sql.StatementShape;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * SLO budgets: a statement shape whose p95 over the last {@code slo.window.s} seconds is above {@code slo.query.p95.ms},
 * or an endpoint whose requests' database time p95 is above {@code slo.request.db.p95.ms}. One finding when the budget
 * breaks, and another (INFO) when it is kept again.
 *
 * <p>The p95 is above the budget exactly when more than 5 % of the executions (requests) in the window took longer
 * than the budget. So the application's threads only count executions over the budget (one comparison each, an
 * increment when over); this detector, on querylens' worker, reads the cumulative counts every sixth of the window and
 * compares them with those of one window ago. A window with fewer than {@code slo.min.samples} executions is not
 * judged either way.
 */
public final class SloBudgetDetector implements Detector {

  public static final String ID = "slo-budget";

  /** The window is read in this many slices. */
  static final int SLICES = 6;
  private static final int MAX_WATCHED = 10_000;
  /** Over-budget executions above this share break a p95 budget. */
  private static final double ALLOWED_SHARE = 0.05;

  /** Where the figures come from: the shapes, and every endpoint's statistics. */
  public record Sources(Supplier<List<StatementShape>> shapes, Supplier<List<EndpointStats>> endpoints) {}

  private final Sources sources;
  private final long queryBudgetNanos;
  private final long requestBudgetNanos;
  private final long sliceNanos;
  private final int minSamples;
  /** Worker only. */
  private final Map<Object, Watch> watched = new HashMap<>();
  private long nextSliceNanos;
  private boolean started;

  /**
   * @param queryBudgetMillis {@code slo.query.p95.ms}, 0 for none
   * @param requestBudgetMillis {@code slo.request.db.p95.ms}, 0 for none
   */
  public SloBudgetDetector(Sources sources, long queryBudgetMillis, long requestBudgetMillis, long windowSeconds,
      int minSamples) {
    this.sources = sources;
    this.queryBudgetNanos = queryBudgetMillis * 1_000_000;
    this.requestBudgetNanos = requestBudgetMillis * 1_000_000;
    this.sliceNanos = windowSeconds * 1_000_000_000L / SLICES;
    this.minSamples = minSamples;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<FindingType> findingTypes() {
    return Set.of(FindingType.SLO_BREACH);
  }

  /** One shape's or endpoint's cumulative counts at the last {@link #SLICES} slices, and whether it is broken. */
  private static final class Watch {
    final long[] totals = new long[SLICES + 1];
    final long[] overs = new long[SLICES + 1];
    int samples;
    int next;
    boolean broken;
    int episodes;

    /** Records the counts now; returns the index of the oldest sample, one window ago (or the first one). */
    int record(long total, long over) {
      totals[next] = total;
      overs[next] = over;
      next = (next + 1) % totals.length;
      samples = Math.min(samples + 1, totals.length);
      return samples < totals.length ? 0 : next;
    }
  }

  /** What was seen in the window: for the finding. */
  record Breach(String endpoint, long total, long over, long budgetNanos, boolean broken, long windowSeconds,
      int episode) {}

  @Override
  public void onTick(ConnectionTracker connections, long nowNanos, DetectionSink sink) {
    if (queryBudgetNanos == 0 && requestBudgetNanos == 0) {
      return;
    }
    if (started && nowNanos - nextSliceNanos < 0) {
      return;
    }
    started = true;
    nextSliceNanos = nowNanos + sliceNanos;
    if (queryBudgetNanos > 0) {
      for (StatementShape shape : sources.shapes().get()) {
        if (!shape.isPlaceholder()) {
          judge(shape, null, shape.stats().executions(), shape.stats().overBudget(), queryBudgetNanos, sink);
        }
      }
    }
    if (requestBudgetNanos > 0) {
      for (EndpointStats endpoint : sources.endpoints().get()) {
        judge(endpoint, endpoint.name(), endpoint.requests(), endpoint.overBudget(), requestBudgetNanos, sink);
      }
    }
  }

  private void judge(Object key, String endpoint, long total, long over, long budgetNanos, DetectionSink sink) {
    Watch watch = watched.get(key);
    if (watch == null) {
      if (total == 0) {
        return;
      }
      if (watched.size() >= MAX_WATCHED) {
        Diagnostics.dropped("SLO budgets", "more than " + MAX_WATCHED + " shapes and endpoints have run; further "
            + "ones are not judged against the SLO budgets");
        return;
      }
      watch = new Watch();
      watched.put(key, watch);
      watch.record(0, 0);
    }
    int oldest = watch.record(total, over);
    long windowTotal = total - watch.totals[oldest];
    long windowOver = over - watch.overs[oldest];
    if (windowTotal < minSamples) {
      return;
    }
    boolean broken = windowOver > windowTotal * ALLOWED_SHARE;
    if (broken == watch.broken) {
      return;
    }
    watch.broken = broken;
    if (broken) {
      watch.episodes++;
    }
    long windowSeconds = sliceNanos * SLICES / 1_000_000_000L;
    StatementShape shape = key instanceof StatementShape statement ? statement : null;
    String subject = endpoint == null ? "shape " + shape.sql() : "endpoint " + endpoint;
    sink.report(new Detection(this, FindingType.SLO_BREACH, broken ? Severity.WARN : Severity.INFO, shape,
        CallSite.UNKNOWN, windowTotal, 0, 0, 0, null, endpoint, null, null, null,
        FindingType.SLO_BREACH + "|" + subject + "|" + watch.episodes + "|" + (broken ? "broken" : "kept"),
        new Breach(endpoint, windowTotal, windowOver, budgetNanos, broken, windowSeconds, watch.episodes)));
  }

  @Override
  public Finding describe(Detection detection, SqlAnalyzer analyzer) {
    Breach breach = (Breach) detection.evidence();
    double share = 100.0 * breach.over() / Math.max(1, breach.total());
    String what = breach.endpoint() == null ? "executions" : "requests";
    String figures = String.format(Locale.ROOT, "%,d of %,d %s in the last %d s took longer than %s (%.1f %%)",
        breach.over(), breach.total(), what, breach.windowSeconds(), SqlText.millis(breach.budgetNanos()), share);
    String subject;
    String budget;
    if (breach.endpoint() == null) {
      subject = "[" + SqlText.abbreviate(detection.shape().sql()) + "]";
      budget = "its p95 budget of " + SqlText.millis(breach.budgetNanos()) + " (slo.query.p95.ms)";
    } else {
      subject = breach.endpoint();
      budget = "its database-time p95 budget of " + SqlText.millis(breach.budgetNanos())
          + " per request (slo.request.db.p95.ms)";
    }
    String message = breach.broken()
        ? "SLO budget broken: " + subject + " is over " + budget + ": " + figures + "."
        : "SLO budget kept again: " + subject + " is within " + budget + ": " + figures + ".";
    Finding.Builder finding = Finding.builder(FindingType.SLO_BREACH, detection.severity(), ID)
        .callSite("")
        .count(breach.total())
        .message(message)
        .suggestion(!breach.broken() ? "Nothing to do: this ends the breach reported before it."
            : breach.endpoint() == null
            ? "Look at its plan (EXPLAIN ANALYZE) and at what else ran at the time (locks, a full pool, a busy "
                + "database); querylens' slow-query and missing-index findings for it tell where the time goes."
            : "Look at the endpoint's findings (N+1, chatty requests, slow queries) and at its statements p95 in the "
                + "summary; the shapes with the most time under it are where the budget goes.")
        .problemKey(detection.problemKey())
        .detail("state", breach.broken() ? "broken" : "kept")
        .detail("budgetMs", SqlText.millisValue(breach.budgetNanos()))
        .detail("windowSeconds", breach.windowSeconds())
        .detail("overBudget", breach.over())
        .detail("total", breach.total())
        .detail("episode", (long) breach.episode());
    if (breach.endpoint() == null) {
      SqlStructure structure = detection.shape().structure(analyzer);
      finding.sql(detection.shape().sql()).tables(structure.tables()).columns(structure.filterColumns());
    } else {
      finding.detail("endpoint", breach.endpoint());
    }
    return finding.build();
  }
}
