package io.querylens.benchmarks;

import io.querylens.QueryLens;
import io.querylens.bootstrap.Hooks;
import io.querylens.config.QueryLensConfig;
import io.querylens.config.Settings;
import io.querylens.runtime.QueryLensRuntime;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A burst of 5,000 statement shapes querylens has never seen, executed back to back on one application thread: what
 * the first sighting of a shape costs the application (normalizing, interning, queueing the analysis). JSqlParser
 * runs on querylens' worker, so this stays in microseconds per statement, not milliseconds.
 *
 * <p>Run: {@code java -cp benchmarks/target/querylens-benchmarks.jar org.openjdk.jmh.Main NewShapeBurstBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, batchSize = NewShapeBurstBenchmark.SHAPES)
@Measurement(iterations = 10, batchSize = NewShapeBurstBenchmark.SHAPES)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class NewShapeBurstBenchmark {

  static final int SHAPES = 5_000;

  private final String[] statements = new String[SHAPES];
  private final Object statement = new Object();
  private QueryLensRuntime runtime;
  private int next;
  private int iteration;

  /** A fresh querylens and 5,000 statements it has not seen (each over its own table, so each is a new shape). */
  @Setup(Level.Iteration)
  public void freshShapes() {
    runtime = QueryLens.start(QueryLensConfig.builder().set(Settings.SUMMARY, Settings.SummaryMode.NEVER)
        .set(Settings.SHAPES_MAX, SHAPES * 2).build());
    iteration++;
    for (int i = 0; i < SHAPES; i++) {
      statements[i] = "select o.id, o.status, o.total, c.name from orders_" + iteration + "_" + i + " o join "
          + "customers c on c.id = o.customer_id where o.created_at > ? and c.region = 'EU' order by o.id limit 50";
    }
    next = 0;
  }

  @TearDown(Level.Iteration)
  public void stop() {
    runtime.shutdown();
  }

  /** One statement executed whose shape is new; the score is for the whole burst of 5,000. */
  @Benchmark
  public Object firstSighting() {
    Object scope = Hooks.beforeExecute(statement, statements[next++]);
    Hooks.afterExecute(scope, null);
    return scope;
  }
}
