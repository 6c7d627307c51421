package io.querylens.stats;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything querylens keeps about one statement shape across the whole run: an application-side
 * {@code pg_stat_statements}. Updated from application threads without locks (striped adders, one histogram
 * increment, a max that is only written when it grows).
 */
public final class ShapeStats {

  private final LongAdder totalNanos = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder overBudget = new LongAdder();
  private final AtomicLong maxNanos = new AtomicLong();
  private final LatencyHistogram histogram = new LatencyHistogram();

  /** Records one execution (a batch counts as one). */
  public void record(long nanos, boolean failed) {
    totalNanos.add(nanos);
    histogram.record(nanos);
    if (failed) {
      failures.increment();
    }
    long max = maxNanos.get();
    while (nanos > max && !maxNanos.compareAndSet(max, nanos)) {
      max = maxNanos.get();
    }
  }

  /** Counts one execution that took longer than the statement SLO budget ({@code slo.query.p95.ms}). */
  public void recordOverBudget() {
    overBudget.increment();
  }

  /** Executions that took longer than the statement SLO budget, so far. */
  public long overBudget() {
    return overBudget.sum();
  }

  /** How many executions were recorded (the histogram's count: one atomic update less per execution). */
  public long executions() {
    return histogram.count();
  }

  /** Time spent in all executions: without the percentiles {@link #snapshot()} computes. */
  public long totalNanos() {
    return totalNanos.sum();
  }

  /** A consistent-enough copy for reporting. */
  public Snapshot snapshot() {
    long max = maxNanos.get();
    return new Snapshot(histogram.count(), totalNanos.sum(), failures.sum(), max,
        histogram.valueAt(0.50, max), histogram.valueAt(0.95, max), histogram.valueAt(0.99, max));
  }

  /**
   * Statistics of one shape at one moment.
   *
   * @param executions how many times it ran
   * @param totalNanos time spent in all of them
   * @param failures executions that threw
   * @param maxNanos the longest
   * @param p50Nanos median, within 12.5 %
   * @param p95Nanos 95th percentile, within 12.5 %
   * @param p99Nanos 99th percentile, within 12.5 %
   */
  public record Snapshot(
      long executions, long totalNanos, long failures, long maxNanos, long p50Nanos, long p95Nanos, long p99Nanos) {

    public long meanNanos() {
      return executions == 0 ? 0 : totalNanos / executions;
    }
  }
}
