package io.querylens.benchmarks;

import io.querylens.stats.ShapeStats;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Many threads running the same statement shape: every one of them updates that shape's statistics. Compares one
 * {@link ShapeStats} shared by all threads (a hot query in a busy service) with one per thread (no sharing), so the
 * difference is what contention on the shared counters costs. Run with {@code -t} set to the machine's cores (or
 * more) to see it: {@code java -cp benchmarks/target/querylens-benchmarks.jar org.openjdk.jmh.Main
 * SharedShapeBenchmark -t 8}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(Threads.MAX)
public class SharedShapeBenchmark {

  /** One shape's statistics, shared by every benchmark thread. */
  @State(Scope.Benchmark)
  public static class Shared {
    final ShapeStats stats = new ShapeStats();
  }

  /** A shape of this thread's own. */
  @State(Scope.Thread)
  public static class Own {
    final ShapeStats stats = new ShapeStats();
    long nanos = 180_000;
  }

  @Benchmark
  public void sharedShape(Shared shared, Own own) {
    shared.stats.record(next(own), false);
  }

  @Benchmark
  public void ownShape(Own own) {
    own.stats.record(next(own), false);
  }

  /** Durations that move between a few histogram buckets, like a real query's. */
  private static long next(Own own) {
    long nanos = own.nanos;
    own.nanos = nanos > 400_000 ? 150_000 : nanos + 9_000;
    return nanos;
  }
}
