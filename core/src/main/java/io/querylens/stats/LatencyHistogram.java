package io.querylens.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free log-linear histogram of durations in nanoseconds: four buckets per power of two from about 1 µs to about
 * 73 minutes, so a percentile read from it is within 12.5 % of the true value. Recording is one compare-and-set.
 *
 * <p>A hot statement shape run by many threads at once would have them all increment the same bucket, one cache line
 * passed from core to core. When a histogram sees its compare-and-set fail repeatedly, it spreads its counts over a few
 * stripes chosen by thread, as {@link java.util.concurrent.atomic.LongAdder} does. Stripes cost about 1 KB each, so
 * only the first {@value #MAX_STRIPED} contended histograms of the JVM get them; the others stay as they are, correct
 * and slower.
 */
public final class LatencyHistogram {

  static final int MAX_STRIPED = 512;
  private static final int COLLISIONS_BEFORE_STRIPING = 16;
  private static final int STRIPES = Math.min(8,
      Integer.highestOneBit(Math.max(2, Runtime.getRuntime().availableProcessors())));
  private static final AtomicInteger STRIPED = new AtomicInteger();

  private static final int SUB_BITS = 2;
  private static final int SUB_BUCKETS = 1 << SUB_BITS;
  private static final int MIN_EXPONENT = 10;
  private static final int MAX_EXPONENT = 42;
  static final int BUCKETS = (MAX_EXPONENT - MIN_EXPONENT + 1) * SUB_BUCKETS + 1;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
  /** Null until contention is seen; then {@link #STRIPES} arrays, picked by thread. */
  private volatile AtomicLongArray[] stripes;
  /** Failed compare-and-sets; racy, it only decides when to stripe. */
  private int collisions;

  /** Records one duration. */
  public void record(long nanos) {
    int bucket = bucketOf(nanos);
    AtomicLongArray[] striped = stripes;
    if (striped != null) {
      striped[stripeOfThisThread() & (striped.length - 1)].getAndIncrement(bucket);
      return;
    }
    long current = counts.get(bucket);
    if (!counts.compareAndSet(bucket, current, current + 1)) {
      counts.getAndIncrement(bucket);
      if (++collisions == COLLISIONS_BEFORE_STRIPING) {
        stripe();
      }
    }
  }

  /** Whether this histogram spreads its counts over stripes (it was contended). */
  boolean isStriped() {
    return stripes != null;
  }

  synchronized void stripe() {
    if (stripes == null && STRIPED.incrementAndGet() <= MAX_STRIPED) {
      AtomicLongArray[] created = new AtomicLongArray[STRIPES];
      for (int i = 0; i < STRIPES; i++) {
        created[i] = new AtomicLongArray(BUCKETS);
      }
      stripes = created;
    }
  }

  private static int stripeOfThisThread() {
    int hash = Thread.currentThread().hashCode();
    return hash ^ (hash >>> 16);
  }

  private long countAt(int bucket, AtomicLongArray[] striped) {
    long count = counts.get(bucket);
    if (striped != null) {
      for (AtomicLongArray stripe : striped) {
        count += stripe.get(bucket);
      }
    }
    return count;
  }

  /** Every bucket's count, over all stripes, read once. */
  private long[] snapshot() {
    AtomicLongArray[] striped = stripes;
    long[] snapshot = new long[BUCKETS];
    for (int i = 0; i < BUCKETS; i++) {
      snapshot[i] = countAt(i, striped);
    }
    return snapshot;
  }

  /** What bucket {@code bucket} holds, over all stripes. */
  long bucketCount(int bucket) {
    return countAt(bucket, stripes);
  }

  /** Everything recorded. */
  public long count() {
    AtomicLongArray[] striped = stripes;
    long total = 0;
    for (int i = 0; i < BUCKETS; i++) {
      total += countAt(i, striped);
    }
    return total;
  }

  /**
   * The value at {@code quantile} (0..1) of everything recorded: the middle of the bucket it falls in, never above
   * {@code observedMax}, and {@code observedMax} itself when the quantile falls on the highest value. 0 when nothing
   * was recorded.
   */
  public long valueAt(double quantile, long observedMax) {
    long[] snapshot = snapshot();
    long total = 0;
    for (long count : snapshot) {
      total += count;
    }
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(quantile * total));
    if (rank >= total) {
      return observedMax; // the highest value recorded is known exactly
    }
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += snapshot[i];
      if (seen >= rank) {
        return Math.min(middleOf(i), observedMax);
      }
    }
    return observedMax;
  }

  /** The recorded durations by bucket (nanoseconds), from the first non-empty bucket to the last. */
  public Distribution distribution() {
    long[] snapshot = snapshot();
    int first = -1;
    int last = -1;
    for (int i = 0; i < BUCKETS; i++) {
      if (snapshot[i] > 0) {
        first = first < 0 ? i : first;
        last = i;
      }
    }
    if (first < 0) {
      return Distribution.EMPTY;
    }
    List<Distribution.Bin> bins = new ArrayList<>(last - first + 1);
    for (int i = first; i <= last; i++) {
      bins.add(new Distribution.Bin(lowerOf(i), i == BUCKETS - 1 ? Long.MAX_VALUE : lowerOf(i + 1) - 1, snapshot[i]));
    }
    return new Distribution(bins);
  }

  /** The smallest value that falls in {@code bucket}. */
  static long lowerOf(int bucket) {
    if (bucket == 0) {
      return 0;
    }
    int exponent = (bucket - 1) / SUB_BUCKETS + MIN_EXPONENT;
    int sub = (bucket - 1) % SUB_BUCKETS;
    return (1L << exponent) + sub * (1L << (exponent - SUB_BITS));
  }

  static int bucketOf(long nanos) {
    if (nanos < (1L << MIN_EXPONENT)) {
      return 0;
    }
    int exponent = 63 - Long.numberOfLeadingZeros(nanos);
    if (exponent > MAX_EXPONENT) {
      return BUCKETS - 1;
    }
    int sub = (int) (nanos >>> (exponent - SUB_BITS)) & (SUB_BUCKETS - 1);
    return 1 + (exponent - MIN_EXPONENT) * SUB_BUCKETS + sub;
  }

  static long middleOf(int bucket) {
    if (bucket == 0) {
      return (1L << MIN_EXPONENT) / 2;
    }
    int exponent = (bucket - 1) / SUB_BUCKETS + MIN_EXPONENT;
    return lowerOf(bucket) + (1L << (exponent - SUB_BITS)) / 2;
  }
}
