package io.querylens.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

  private static final double[] QUANTILES = {0.01, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99, 0.999, 1.0};

  /** Records {@code n} values and checks every quantile against the exact one, within 12.5 %. */
  private static void assertWithinTolerance(int n, LongSupplier values) {
    LatencyHistogram histogram = new LatencyHistogram();
    long[] recorded = new long[n];
    for (int i = 0; i < n; i++) {
      recorded[i] = values.getAsLong();
      histogram.record(recorded[i]);
    }
    Arrays.sort(recorded);
    long max = recorded[n - 1];
    for (double quantile : QUANTILES) {
      long exact = recorded[(int) Math.max(0, Math.ceil(quantile * n) - 1)];
      long estimate = histogram.valueAt(quantile, max);
      assertThat((double) estimate).as("p%s of %s values", quantile * 100, n)
          .isCloseTo(exact, within(exact * 0.125));
      assertThat(estimate).isLessThanOrEqualTo(max);
    }
  }

  @Test
  void uniformMicrosecondsToMilliseconds() {
    Random random = new Random(1);
    assertWithinTolerance(100_000, () -> 2_000 + (long) (random.nextDouble() * 50_000_000));
  }

  @Test
  void logNormalLatencies() {
    Random random = new Random(2);
    assertWithinTolerance(100_000, () -> (long) Math.exp(13 + 1.5 * random.nextGaussian()) + 1_100);
  }

  @Test
  void bimodalCacheHitsAndMisses() {
    Random random = new Random(3);
    assertWithinTolerance(50_000, () -> random.nextInt(10) < 8
        ? 50_000 + random.nextInt(20_000)
        : 80_000_000 + random.nextInt(40_000_000));
  }

  @Test
  void everyBucketsMiddleIsWithinAnEighthOfAnyValueInIt() {
    for (long value = 1_024; value < (1L << 42); value = value + Math.max(1, value / 37)) {
      long middle = LatencyHistogram.middleOf(LatencyHistogram.bucketOf(value));
      assertThat((double) middle).as("value %s", value).isCloseTo(value, within(value * 0.125));
    }
  }

  @Test
  void aSingleValueIsReadBackNeverAboveTheObservedMax() {
    LatencyHistogram histogram = new LatencyHistogram();
    histogram.record(1_500_000);

    assertThat(histogram.valueAt(0.5, 1_500_000)).isBetween(1_500_000L * 7 / 8, 1_500_000L);
    assertThat(histogram.valueAt(1.0, 1_500_000)).isLessThanOrEqualTo(1_500_000L);
  }

  @Test
  void extremesGoToTheEndBuckets() {
    assertThat(LatencyHistogram.bucketOf(0)).isZero();
    assertThat(LatencyHistogram.bucketOf(-5)).isZero();
    assertThat(LatencyHistogram.bucketOf(1_023)).isZero();
    assertThat(LatencyHistogram.bucketOf(1_024)).isEqualTo(1);
    assertThat(LatencyHistogram.bucketOf(Long.MAX_VALUE)).isEqualTo(LatencyHistogram.BUCKETS - 1);
    LatencyHistogram histogram = new LatencyHistogram();
    histogram.record(Long.MAX_VALUE);
    assertThat(histogram.valueAt(0.5, Long.MAX_VALUE)).isPositive();
  }

  @Test
  void nothingRecordedReadsZero() {
    assertThat(new LatencyHistogram().valueAt(0.99, 0)).isZero();
  }

  @Test
  void concurrentRecordingKeepsExactCounts() throws Exception {
    LatencyHistogram histogram = new LatencyHistogram();
    recordConcurrently(histogram, 8, 50_000, t -> 2_000L << t);

    assertThat(histogram.count()).isEqualTo(8L * 50_000);
    for (int t = 0; t < 8; t++) {
      assertThat(histogram.bucketCount(LatencyHistogram.bucketOf(2_000L << t))).isEqualTo(50_000);
    }
  }

  @Test
  void aStripedHistogramKeepsExactCountsAndPercentiles() throws Exception {
    LatencyHistogram histogram = new LatencyHistogram();
    histogram.record(1_000_000);
    histogram.stripe();
    recordConcurrently(histogram, 8, 50_000, t -> 180_000L);

    assertThat(histogram.isStriped()).isTrue();
    assertThat(histogram.count()).isEqualTo(8L * 50_000 + 1);
    assertThat(histogram.bucketCount(LatencyHistogram.bucketOf(180_000))).isEqualTo(8L * 50_000);
    assertThat((double) histogram.valueAt(0.5, 1_000_000)).isCloseTo(180_000, within(180_000 * 0.125));
    assertThat((double) histogram.valueAt(1.0, 1_000_000)).isCloseTo(1_000_000, within(1_000_000 * 0.125));
  }

  private static void recordConcurrently(LatencyHistogram histogram, int threads, int perThread,
      java.util.function.IntToLongFunction valueOfThread) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      Future<?>[] done = new Future<?>[threads];
      for (int t = 0; t < threads; t++) {
        long value = valueOfThread.applyAsLong(t);
        done[t] = pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            histogram.record(value);
          }
          return null;
        });
      }
      start.countDown();
      for (Future<?> future : done) {
        future.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
