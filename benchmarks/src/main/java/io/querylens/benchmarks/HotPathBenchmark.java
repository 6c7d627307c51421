package io.querylens.benchmarks;

import io.querylens.QueryLens;
import io.querylens.bootstrap.HookListener;
import io.querylens.bootstrap.Hooks;
import io.querylens.config.QueryLensConfig;
import io.querylens.config.Settings;
import io.querylens.runtime.QueryLensRuntime;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * querylens' hot path alone, without a driver: the hooks the agent's advice calls for one prepared statement
 * (prepare, bind one value, execute, close) and for a connection taken from a pool and closed, in process, against
 * the real recorder. Tells what querylens itself adds to every statement and checkout, with nothing else in the way;
 * {@code none} is the same calls with no listener installed.
 *
 * <p>Run: {@code java -cp benchmarks/target/querylens-benchmarks.jar org.openjdk.jmh.Main HotPathBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class HotPathBenchmark {

  private static final String SQL = "select id, name, price from items where id = ?";
  private static final int STATEMENTS = 1 << 10;
  private static final int IDS = 1 << 16;

  /** Which listener the hooks reach. */
  @Param({"querylens", "recording-only", "none"})
  public String listener;

  /** A detector switched off (with {@code querylens}), to tell what each costs; empty: none. */
  @Param({""})
  public String without;

  private final Object[] statements = new Object[STATEMENTS];
  /** A HikariCP data source never started (nothing connects): what the hooks see as the pool. */
  private final Object pool = new com.zaxxer.hikari.HikariDataSource();
  /** The pool's connections, handed out in turn. */
  private final Object[] connections = {new Object(), new Object(), new Object(), new Object()};
  private final long[] ids = new long[IDS];
  private int next;
  private QueryLensRuntime runtime;

  @Setup(Level.Trial)
  public void start() {
    for (int i = 0; i < STATEMENTS; i++) {
      statements[i] = new Object();
    }
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < IDS; i++) {
      ids[i] = 1 + random.nextInt(10_000);
    }
    QueryLensConfig.Builder config = QueryLensConfig.builder().set(Settings.SUMMARY, Settings.SummaryMode.NEVER);
    if (listener.equals("recording-only")) {
      config.set(Settings.DETECTORS_DISABLED, Config.DETECTORS);
    } else if (!without.isEmpty()) {
      config.set(Settings.DETECTORS_DISABLED, List.of(without));
    }
    runtime = QueryLens.start(config.build());
    if (listener.equals("none")) {
      Hooks.install(HookListener.NO_OP);
    }
  }

  @TearDown(Level.Trial)
  public void stop() {
    runtime.shutdown();
  }

  /** One prepared statement's life: prepare, bind, execute, close. */
  @Benchmark
  public Object preparedStatement() {
    int i = next++;
    Object statement = statements[i & (STATEMENTS - 1)];
    Hooks.onPrepared(statement, SQL);
    Hooks.onBindLong(statement, 1, ids[i & (IDS - 1)]);
    Object scope = Hooks.beforeExecute(statement, null);
    Hooks.afterExecute(scope, null);
    Hooks.onStatementClosed(statement);
    return scope;
  }

  /** A connection taken from a HikariCP pool and closed, nothing run on it: what connection tracking adds. */
  @Benchmark
  public Object pooledCheckoutClose() {
    Object connection = connections[next++ & (connections.length - 1)];
    Object scope = Hooks.beforeGetConnection(pool);
    Hooks.afterGetConnection(scope, pool, connection, null);
    Object token = Hooks.onConnectionClosed(connection);
    Hooks.afterConnectionClosed(token);
    return token;
  }

  /** A plain statement executed with its SQL (normalizer cache hit). */
  @Benchmark
  public Object plainStatement() {
    Object statement = statements[next++ & (STATEMENTS - 1)];
    Object scope = Hooks.beforeExecute(statement, SQL);
    Hooks.afterExecute(scope, null);
    return scope;
  }
}
