package io.querylens.stats;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
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
  /** Null until the shape runs in a request or scope: most shapes of a batch job never pay for it. */
  private volatile EndpointTally endpoints;
  /** Null until its rows are first read. */
  private volatile RowSamples rows;

  static final int ENDPOINT_SLOTS = 6;
  private static final int FIRST_ROW_SAMPLES = 4;
  /** The top 6 bits of the hash: one in 64. */
  private static final int ROW_SAMPLE_SHIFT = 58;
  private static final VarHandle ENDPOINTS;
  private static final VarHandle ROWS;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      ENDPOINTS = lookup.findVarHandle(ShapeStats.class, "endpoints", EndpointTally.class);
      ROWS = lookup.findVarHandle(ShapeStats.class, "rows", RowSamples.class);
    } catch (ReflectiveOperationException impossible) {
      throw new ExceptionInInitializerError(impossible);
    }
  }

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

  /**
   * Whether to read the rows of this execution (a query that did not fail): the first few executions of the shape,
   * then about one in 64, picked by a hash of its duration (mixed, so that a clock ticking in 100 ns or 1 µs steps
   * picks as often as one ticking in nanoseconds), so that the reflective read costs nothing on most executions.
   * Stops asking once a few reads came back unknown (a driver whose rows cannot be read).
   */
  public boolean wantsRowSample(long nanos) {
    RowSamples samples = rows;
    if (samples == null || samples.attempts.get() < FIRST_ROW_SAMPLES) {
      return true;
    }
    return (nanos * 0x9E3779B97F4A7C15L) >>> ROW_SAMPLE_SHIFT == 0 && samples.samples.get() > 0;
  }

  /** One execution's rows, read because {@link #wantsRowSample} said so; -1 (unknown) only counts the attempt. */
  public void recordRows(long returned) {
    RowSamples samples = rows;
    if (samples == null) {
      ROWS.compareAndSet(this, null, new RowSamples());
      samples = rows;
    }
    samples.attempts.incrementAndGet();
    if (returned >= 0) {
      samples.samples.incrementAndGet();
      samples.sum.addAndGet(returned);
      long max = samples.max.get();
      while (returned > max && !samples.max.compareAndSet(max, returned)) {
        max = samples.max.get();
      }
    }
  }

  /** The rows its sampled executions returned, or null when none could be read. */
  public RowFigures rows() {
    RowSamples samples = rows;
    long count = samples == null ? 0 : samples.samples.get();
    return count == 0 ? null : new RowFigures(count, (double) samples.sum.get() / count, samples.max.get());
  }

  /**
   * Counts one request (or scope) of the endpoint {@code name} that ran this shape; called once per shape when the
   * request ends. The first {@value #ENDPOINT_SLOTS} endpoints are told apart, the others counted together. Lock-free.
   */
  public void ranIn(String name) {
    EndpointTally tally = endpoints;
    if (tally == null) {
      ENDPOINTS.compareAndSet(this, null, new EndpointTally());
      tally = endpoints;
    }
    for (int i = 0; i < ENDPOINT_SLOTS; i++) {
      String held = tally.names.get(i);
      if (held == null && tally.names.compareAndSet(i, null, name)) {
        held = name;
      } else if (held == null) {
        held = tally.names.get(i);
      }
      if (held == name || held.equals(name)) {
        tally.requests.incrementAndGet(i);
        return;
      }
    }
    tally.others.increment();
  }

  /** The endpoints whose requests ran this shape, most requests first (at most {@value #ENDPOINT_SLOTS}). */
  public List<EndpointShare> endpoints() {
    EndpointTally tally = endpoints;
    if (tally == null) {
      return List.of();
    }
    List<EndpointShare> shares = new ArrayList<>(ENDPOINT_SLOTS);
    for (int i = 0; i < ENDPOINT_SLOTS; i++) {
      String name = tally.names.get(i);
      if (name != null) {
        shares.add(new EndpointShare(name, tally.requests.get(i)));
      }
    }
    shares.sort(Comparator.comparingLong(EndpointShare::requests).reversed());
    return shares;
  }

  /** Requests of endpoints beyond the first {@value #ENDPOINT_SLOTS} that ran this shape. */
  public long otherEndpointRequests() {
    EndpointTally tally = endpoints;
    return tally == null ? 0 : tally.others.sum();
  }

  /** The durations, bucketed, for a chart. */
  public Distribution latency() {
    return histogram.distribution();
  }

  /**
   * Requests of one endpoint that ran a shape.
   *
   * @param name the endpoint
   * @param requests how many of its requests ran the shape (each counted once, however often it ran it)
   */
  public record EndpointShare(String name, long requests) {}

  /**
   * The rows a shape's sampled executions returned.
   *
   * @param samples executions whose rows were read
   * @param mean rows per execution, on average over them
   * @param max the most any of them returned
   */
  public record RowFigures(long samples, double mean, long max) {}

  /** Created when a shape first runs in a request. */
  private static final class EndpointTally {
    final AtomicReferenceArray<String> names = new AtomicReferenceArray<>(ENDPOINT_SLOTS);
    final AtomicLongArray requests = new AtomicLongArray(ENDPOINT_SLOTS);
    final LongAdder others = new LongAdder();
  }

  /** Created when a shape's rows are first read. */
  private static final class RowSamples {
    final AtomicInteger attempts = new AtomicInteger();
    final AtomicLong samples = new AtomicLong();
    final AtomicLong sum = new AtomicLong();
    final AtomicLong max = new AtomicLong();
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
