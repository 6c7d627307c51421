package io.querylens.endpoint;

import io.querylens.stats.Distribution;
import io.querylens.stats.LatencyHistogram;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one endpoint (a request route, a named scope) costs the database per request: statements and database time,
 * recorded once when each request ends. Lock-free.
 *
 * <p>Statement counts up to {@value #EXACT} are counted exactly, so that "p95 51 statements" means 51; larger ones
 * share a log-linear histogram (within 12.5 %).
 */
public final class EndpointStats {

  static final int EXACT = 128;
  /** Large counts are recorded into the nanosecond histogram scaled by this shift, where it is precise. */
  private static final int SCALE = 10;

  private final String name;
  private final long budgetNanos;
  private final LongAdder overBudget = new LongAdder();
  private final AtomicLongArray exactCounts = new AtomicLongArray(EXACT);
  private final LatencyHistogram largeCounts = new LatencyHistogram();
  private final LatencyHistogram databaseTime = new LatencyHistogram();
  private final LongAdder requests = new LongAdder();
  private final LongAdder totalStatements = new LongAdder();
  private final LongAdder totalNanos = new LongAdder();
  private final AtomicLong maxStatements = new AtomicLong();
  private final AtomicLong maxNanos = new AtomicLong();

  EndpointStats(String name, long budgetNanos) {
    this.name = name;
    this.budgetNanos = budgetNanos;
  }

  public String name() {
    return name;
  }

  /** One request that ran {@code statements} statements in {@code nanos} of database time. */
  public void record(int statements, long nanos) {
    if (statements < EXACT) {
      exactCounts.getAndIncrement(Math.max(0, statements));
    } else {
      largeCounts.record((long) statements << SCALE);
    }
    databaseTime.record(nanos);
    if (nanos > budgetNanos && budgetNanos > 0) {
      overBudget.increment();
    }
    requests.increment();
    totalStatements.add(statements);
    totalNanos.add(nanos);
    raise(maxStatements, statements);
    raise(maxNanos, nanos);
  }

  private static void raise(AtomicLong max, long value) {
    long current = max.get();
    while (value > current && !max.compareAndSet(current, value)) {
      current = max.get();
    }
  }

  /** Requests recorded so far. */
  public long requests() {
    return requests.sum();
  }

  /** Requests that spent longer in the database than the request SLO budget ({@code slo.request.db.p95.ms}). */
  public long overBudget() {
    return overBudget.sum();
  }

  public EndpointSummary snapshot() {
    long maxCount = maxStatements.get();
    long maxTime = maxNanos.get();
    long[] exact = readExactCounts();
    long exactTotal = 0;
    for (long count : exact) {
      exactTotal += count;
    }
    long large = largeCounts.count();
    return new EndpointSummary(name, exactTotal + large, totalStatements.sum(),
        statementsAt(0.50, exact, exactTotal, large, maxCount), statementsAt(0.95, exact, exactTotal, large, maxCount),
        statementsAt(0.99, exact, exactTotal, large, maxCount), maxCount, totalNanos.sum(),
        databaseTime.valueAt(0.50, maxTime), databaseTime.valueAt(0.95, maxTime), databaseTime.valueAt(0.99, maxTime),
        maxTime);
  }

  /** Requests by how many statements each ran: one bin per count up to {@value #EXACT}, coarser ones above. */
  public Distribution statementsPerRequest() {
    List<Distribution.Bin> bins = new ArrayList<>();
    int first = -1;
    int last = -1;
    long[] exact = readExactCounts();
    for (int i = 0; i < EXACT; i++) {
      if (exact[i] > 0) {
        first = first < 0 ? i : first;
        last = i;
      }
    }
    for (int i = Math.max(0, first); i <= last; i++) {
      bins.add(new Distribution.Bin(i, i, exact[i]));
    }
    List<Distribution.Bin> large = largeCounts.distribution().bins();
    if (!large.isEmpty() && !bins.isEmpty()) {
      long gapFrom = last + 1;
      long gapTo = (large.get(0).from() >> SCALE) - 1;
      if (gapTo >= gapFrom) {
        bins.add(new Distribution.Bin(gapFrom, gapTo, 0)); // consecutive, as Distribution promises
      }
    }
    for (Distribution.Bin each : large) {
      bins.add(new Distribution.Bin(Math.max(EXACT, each.from() >> SCALE), each.to() >> SCALE, each.count()));
    }
    return new Distribution(bins);
  }

  /** The requests per exact statement count, read once. */
  private long[] readExactCounts() {
    long[] exact = new long[EXACT];
    for (int i = 0; i < EXACT; i++) {
      exact[i] = exactCounts.get(i);
    }
    return exact;
  }

  private long statementsAt(double quantile, long[] exact, long exactTotal, long large, long maxCount) {
    long total = exactTotal + large;
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(quantile * total));
    if (rank <= exactTotal) {
      long seen = 0;
      for (int i = 0; i < EXACT; i++) {
        seen += exact[i];
        if (seen >= rank) {
          return i;
        }
      }
    }
    double withinLarge = (double) (rank - exactTotal) / Math.max(1, large);
    return largeCounts.valueAt(Math.min(1.0, withinLarge), maxCount << SCALE) >> SCALE;
  }
}
