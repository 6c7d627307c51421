package io.querylens.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShapeStatsTest {

  @Test
  void knownDistributionReadsBackWithinAnEighth() {
    ShapeStats stats = new ShapeStats();
    for (int ms = 1; ms <= 1000; ms++) {
      stats.record(ms * 1_000_000L, ms % 100 == 0);
    }

    ShapeStats.Snapshot snapshot = stats.snapshot();
    assertThat(snapshot.executions()).isEqualTo(1000);
    assertThat(snapshot.failures()).isEqualTo(10);
    assertThat(snapshot.totalNanos()).isEqualTo(500_500L * 1_000_000L);
    assertThat(snapshot.meanNanos()).isEqualTo(500_500_000L);
    assertThat(snapshot.maxNanos()).isEqualTo(1_000_000_000L);
    assertThat((double) snapshot.p50Nanos()).isCloseTo(500e6, within(500e6 * 0.125));
    assertThat((double) snapshot.p95Nanos()).isCloseTo(950e6, within(950e6 * 0.125));
    assertThat((double) snapshot.p99Nanos()).isCloseTo(990e6, within(990e6 * 0.125));
    assertThat(snapshot.p99Nanos()).isLessThanOrEqualTo(snapshot.maxNanos());
  }

  @Test
  void theMaxIsExact() {
    ShapeStats stats = new ShapeStats();
    stats.record(5_000, false);
    stats.record(123_456_789, false);
    stats.record(7_000, false);

    assertThat(stats.snapshot().maxNanos()).isEqualTo(123_456_789);
  }

  @Test
  void nothingRecordedIsAllZero() {
    ShapeStats.Snapshot snapshot = new ShapeStats().snapshot();

    assertThat(snapshot).isEqualTo(new ShapeStats.Snapshot(0, 0, 0, 0, 0, 0, 0));
    assertThat(snapshot.meanNanos()).isZero();
  }

  @Test
  void concurrentRecordingFromEightThreadsKeepsExactCountsTotalAndMax() throws Exception {
    ShapeStats stats = new ShapeStats();
    int threads = 8;
    int perThread = 100_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      Future<?>[] done = new Future<?>[threads];
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done[t] = pool.submit(() -> {
          start.await();
          for (int i = 1; i <= perThread; i++) {
            stats.record(i * 10L + thread, i % 4 == 0);
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

    ShapeStats.Snapshot snapshot = stats.snapshot();
    long perThreadTotal = 10L * perThread * (perThread + 1L) / 2;
    assertThat(snapshot.executions()).isEqualTo((long) threads * perThread);
    assertThat(snapshot.failures()).isEqualTo((long) threads * perThread / 4);
    assertThat(snapshot.totalNanos()).isEqualTo(threads * perThreadTotal + (long) perThread * (0 + 1 + 2 + 3 + 4 + 5 + 6 + 7));
    assertThat(snapshot.maxNanos()).isEqualTo(perThread * 10L + threads - 1);
  }
}
