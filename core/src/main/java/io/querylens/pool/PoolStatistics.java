package io.querylens.pool;

import io.querylens.detect.SqlText;

import java.util.Locale;

/**
 * One pool's figures over the run so far, for the shutdown summary and the periodic statistics line.
 *
 * @param name the pool's name
 * @param kind what it is
 * @param size its maximum size, or {@link PoolReadings#UNKNOWN}
 * @param acquisitions connections taken
 * @param waitP50Nanos median {@code getConnection()} time; likewise p95, p99 and the longest
 * @param heldP50Nanos median time a connection was held; likewise p95 and the longest
 * @param peakInUse most connections out at once
 * @param peakWaiting most threads inside {@code getConnection()} at once, as seen by the worker's looks (every 100 ms)
 * @param timeouts acquisitions that gave up waiting
 * @param failures acquisitions that threw (timeouts included)
 * @param number the pool's number, in the order querylens first saw the pools (names may repeat: two applications'
 *     {@code HikariPool-1})
 */
public record PoolStatistics(
    String name, PoolKind kind, int size, long acquisitions, long waitP50Nanos, long waitP95Nanos,
    long waitP99Nanos, long waitMaxNanos, long heldP50Nanos, long heldP95Nanos, long heldMaxNanos, int peakInUse,
    int peakWaiting, long timeouts, long failures, int number) {

  public static PoolStatistics of(TrackedPool pool) {
    long waitMax = pool.longestWaitNanos();
    long heldMax = pool.longestUseNanos();
    return new PoolStatistics(pool.name(), pool.kind(), pool.readings().max(), pool.acquisitions(),
        pool.waits().valueAt(0.50, waitMax), pool.waits().valueAt(0.95, waitMax), pool.waits().valueAt(0.99, waitMax),
        waitMax, pool.usage().valueAt(0.50, heldMax), pool.usage().valueAt(0.95, heldMax), heldMax,
        pool.peakInUse(), pool.peakAcquiring(), pool.timeouts(), pool.failures(), pool.number());
  }

  /** One line: {@code HikariPool-1 (HikariCP, max 10): 1,204 taken; wait p50 0.0 ms ...}. */
  public String line() {
    StringBuilder text = new StringBuilder(name).append(" (").append(kind.label())
        .append(size > 0 ? ", max " + size : "").append(String.format(Locale.ROOT, "): %,d taken", acquisitions));
    if (acquisitions > 0) {
      text.append("; wait p50 ").append(SqlText.millis(waitP50Nanos))
          .append(", p95 ").append(SqlText.millis(waitP95Nanos))
          .append(", p99 ").append(SqlText.millis(waitP99Nanos))
          .append(", max ").append(SqlText.millis(waitMaxNanos))
          .append("; held p50 ").append(SqlText.millis(heldP50Nanos))
          .append(", p95 ").append(SqlText.millis(heldP95Nanos))
          .append(", max ").append(SqlText.millis(heldMaxNanos));
    }
    text.append("; peak ").append(peakInUse).append(" in use");
    if (kind.isPooled()) {
      text.append(", ").append(peakWaiting).append(" acquiring at once");
    }
    if (failures > 0) {
      text.append("; ").append(failures).append(" failed (").append(timeouts).append(" timed out)");
    }
    return text.toString();
  }
}
