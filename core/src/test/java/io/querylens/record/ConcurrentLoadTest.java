package io.querylens.record;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.querylens.QueryLens;
import io.querylens.capture.CaptureScope;
import io.querylens.capture.CapturedStatement;
import io.querylens.capture.QueryCapture;
import io.querylens.config.Settings;
import io.querylens.internal.Diagnostics;
import io.querylens.runtime.QueryLensRuntime;
import io.querylens.testing.LibraryLens;
import io.querylens.sql.StatementKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * 64 threads through one HikariCP pool of 16, all at once: querylens counts every statement exactly once (totals, per
 * kind and per shape match the workload), the application's results are right, nobody deadlocks, and a burst of new
 * statement shapes larger than the analysis queue is dropped in bounds, counted and said once.
 */
class ConcurrentLoadTest {

  private static final int THREADS = 64;
  private static final int ITERATIONS = 400;
  private static final int ROWS = 1_000;

  private final LibraryLens lens = new LibraryLens();
  private HikariDataSource pool;
  private QueryLensRuntime runtime;

  @BeforeEach
  void start() throws SQLException {
    pool = new HikariDataSource();
    pool.setJdbcUrl("jdbc:h2:mem:" + UUID.randomUUID());
    pool.setMaximumPoolSize(16);
    pool.setConnectionTimeout(60_000);
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("create table counters (id int primary key, hits int not null)");
      statement.execute("insert into counters select x, 0 from system_range(1, " + ROWS + ")");
    }
    runtime = lens.start(settings -> settings.set(Settings.SHAPES_MAX, 100_000).set(Settings.INDEX_ADVICE, false));
  }

  @AfterEach
  void stop() {
    lens.close();
    pool.close();
  }

  @Test
  void sixtyFourThreadsEachStatementCountedOnceAndTheResultsRight() throws Exception {
    DataSource watched = QueryLens.wrap(pool);
    long before = runtime.recorder().statementCount();
    long started = System.nanoTime();
    List<CapturedStatement> captured;
    try (QueryCapture capture = QueryLens.capture(CaptureScope.ALL_THREADS)) {
      runAll(thread -> {
        for (int i = 0; i < ITERATIONS; i++) {
          int id = 1 + (thread * ITERATIONS + i) % ROWS;
          try (Connection connection = watched.getConnection()) {
            try (PreparedStatement read = connection.prepareStatement("select hits from counters where id = ?")) {
              read.setInt(1, id);
              try (ResultSet rows = read.executeQuery()) {
                rows.next();
              }
            }
            try (PreparedStatement write = connection.prepareStatement(
                "update counters set hits = hits + 1 where id = ?")) {
              write.setInt(1, id);
              write.executeUpdate();
            }
          }
        }
      });
      capture.close();
      captured = capture.statements();
    }
    long seconds = System.nanoTime() - started;
    runtime.flush();

    long expected = (long) THREADS * ITERATIONS * 2;
    assertThat(runtime.recorder().statementCount() - before).isEqualTo(expected);
    assertThat(captured).hasSize((int) expected);
    Map<StatementKind, Long> byKind = captured.stream()
        .collect(Collectors.groupingBy(CapturedStatement::kind, Collectors.counting()));
    assertThat(byKind).containsOnly(Map.entry(StatementKind.SELECT, expected / 2),
        Map.entry(StatementKind.UPDATE, expected / 2));
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("select sum(hits) from counters")) {
      rows.next();
      assertThat(rows.getLong(1)).as("the application's own writes").isEqualTo(expected / 2);
    }
    assertThat(Diagnostics.errorCounts()).as(lens.diagnostics()).isEmpty();
    System.out.printf("[figures] load: %d threads, %,d statements counted exactly in %.1f s (%,.0f statements/s "
            + "through a pool of 16 on H2, querylens recording); 0 querylens errors%n", THREADS, expected,
        seconds / 1e9, expected / (seconds / 1e9));
  }

  @Test
  void aBurstOfNewShapesLargerThanTheAnalysisQueueIsDroppedInBoundsAndSaidOnce() throws Exception {
    DataSource watched = QueryLens.wrap(pool);
    int perThread = 400; // 64 x 400 = 25,600 new shapes against an analysis queue of 10,000
    runAll(thread -> {
      try (Connection connection = watched.getConnection(); Statement statement = connection.createStatement()) {
        for (int i = 0; i < perThread; i++) {
          // a column alias makes each statement a shape of its own
          try (ResultSet rows = statement.executeQuery(
              "select hits as h_" + thread + "_" + i + " from counters where id = 1")) {
            rows.next();
          }
        }
      }
    });
    runtime.flush();

    Long dropped = Diagnostics.dropCounts().get("SQL analysis ahead of time");
    assertThat(dropped).as(lens.diagnostics()).isNotNull().isPositive()
        .isLessThan((long) THREADS * perThread);
    assertThat(lens.diagnostics().lines()
        .filter(line -> line.contains("SQL analysis ahead of time")).count()).isEqualTo(1);
    assertThat(Diagnostics.errorCounts()).isEmpty();
    System.out.printf("[figures] new-shape burst: %,d new shapes from %d threads, %,d left unanalysed ahead of time "
        + "(analysed when a finding needs them), said once%n", THREADS * perThread, THREADS, dropped);
  }

  @FunctionalInterface
  private interface Work {
    void run(int thread) throws Exception;
  }

  /** Runs {@code work} on {@value #THREADS} threads released together; fails on a hang (10 minutes) or an error. */
  private static void runAll(Work work) throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(THREADS);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      futures.add(executor.submit(() -> {
        go.await();
        work.run(thread);
        return null;
      }));
    }
    go.countDown();
    executor.shutdown();
    assertThat(executor.awaitTermination(10, TimeUnit.MINUTES)).as("no deadlock").isTrue();
    for (Future<?> future : futures) {
      future.get();
    }
  }
}
