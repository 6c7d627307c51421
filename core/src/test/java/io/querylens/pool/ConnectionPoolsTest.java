package io.querylens.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.pool.ExportTask;
import com.example.pool.ReportBuilder;
import com.zaxxer.hikari.HikariDataSource;
import io.querylens.QueryLens;
import io.querylens.UnitOfWorkScope;
import io.querylens.capture.QueryCapture;
import io.querylens.config.Settings;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.jdbc.WatchedJdbc;
import io.querylens.testing.LensFixture;
import io.querylens.testing.SlowToConnect;
import io.querylens.testing.TestDatabases;
import io.querylens.testing.TestDatabases.TestDatabase;
import io.querylens.testing.TestPools;
import io.querylens.testing.TestPools.PoolType;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pool exhaustion and connection leaks on real pools (HikariCP, DBCP2, Tomcat JDBC) over H2 and PostgreSQL, with
 * querylens in library mode ({@code QueryLens.wrap} over the pool).
 */
class ConnectionPoolsTest {

  private static final long WAIT_MILLIS = 15_000;

  @TempDir
  Path directory;

  private LensFixture fixture;
  private DataSource pool;
  private String table;

  static Stream<Arguments> poolsAndDatabases() {
    return TestPools.all().stream()
        .flatMap(type -> TestDatabases.all().stream().map(database -> Arguments.of(type, database)));
  }

  private DataSource start(PoolType type, TestDatabase database, int size, long timeoutMillis, long leakMillis)
      throws Exception {
    fixture = new LensFixture(directory);
    fixture.start(settings -> settings.set(Settings.LEAK_THRESHOLD_MS, leakMillis));
    pool = TestPools.create(type, database, size, timeoutMillis);
    table = "ledger_" + TestDatabases.uniqueSuffix();
    DataSource watched = WatchedJdbc.wrap(pool);
    ReportBuilder.createSchema(watched, table);
    return watched;
  }

  @AfterEach
  void stop() throws Exception {
    if (pool != null) {
      TestPools.close(pool);
    }
    if (fixture != null) {
      fixture.close();
    }
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("poolsAndDatabases")
  void sixteenThreadsHoldingFourConnectionsMakeOneExhaustionFindingNamingTheHolders(PoolType type,
      TestDatabase database) throws Exception {
    DataSource dataSource = start(type, database, 4, 30_000, 30_000);
    ReportBuilder reports = new ReportBuilder(dataSource, table);

    runConcurrently(16, worker -> reports.build(1 + worker % 2, 300));

    Finding exhaustion = awaitFinding(finding -> finding.type() == FindingType.POOL_EXHAUSTION);
    assertThat(exhaustion.callSite()).startsWith("com.example.pool.ReportBuilder.build(ReportBuilder.java:");
    assertThat(exhaustion.message())
        .contains("4/4 connections in use")
        .contains("threads waiting")
        .contains("Holding connections: com.example.pool.ReportBuilder.build(ReportBuilder.java:")
        .containsPattern("x[1-4], held ");
    assertThat(exhaustion.sql()).isEqualTo("select count(*) from " + table + " where account_id = ?");
    assertThat(exhaustion.tables()).containsExactly(table);
    assertThat(exhaustion.details()).containsEntry("poolSize", 4).containsEntry("timeouts", 0L);
    assertThat((Integer) exhaustion.details().get("peakWaiting")).isGreaterThanOrEqualTo(4);
    assertThat(((Number) exhaustion.details().get("longestWaitMs")).doubleValue()).isGreaterThanOrEqualTo(250);
    assertThat(exhaustion.suggestion()).contains(switch (type) {
      case HIKARI -> "maximumPoolSize=4";
      case DBCP2 -> "maxTotal=4";
      case TOMCAT -> "maxActive=4";
    });
    Thread.sleep(1_500); // long enough for another episode to end, were one counted twice
    assertThat(fixture.findings()).filteredOn(finding -> finding.type() == FindingType.POOL_EXHAUSTION).hasSize(1);
    assertThat(fixture.findings()).noneMatch(finding -> finding.type() == FindingType.CONNECTION_LEAK);
  }

  /**
   * The only thread of a pool of one waits while the pool opens its connection (a slow link: 150 ms): slow to
   * connect, not exhausted. Judged after the wait, the connection it had just taken made the pool look full: that
   * raised an exhaustion, and made every checkout of the next minute walk the stack. (A pool of one with another
   * thread holding the connection is exhausted: {@code anAcquisitionTimeoutIsAnExhaustionError}.)
   */
  @ParameterizedTest(name = "hikari on {0}")
  @MethodSource("io.querylens.testing.TestDatabases#all")
  void theOnlyThreadOfAPoolOfOneWaitingForItsConnectionToOpenIsNotExhaustion(TestDatabase database)
      throws Exception {
    fixture = new LensFixture(directory);
    fixture.start(settings -> settings);
    HikariDataSource hikari = new HikariDataSource();
    hikari.setDataSource(new SlowToConnect(database.pooledUrl(), 150));
    hikari.setMaximumPoolSize(1);
    hikari.setPoolName("slow-link");
    pool = hikari;
    table = "ledger_" + TestDatabases.uniqueSuffix();
    DataSource dataSource = WatchedJdbc.wrap(pool);
    ReportBuilder.createSchema(dataSource, table); // the first checkout: the pool opens its connection meanwhile
    ReportBuilder reports = new ReportBuilder(dataSource, table);
    for (int i = 0; i < 20; i++) {
      reports.build(1 + i, 0);
    }

    TrackedPool tracked = fixture.runtime().recorder().connections().pools().stream()
        .filter(each -> each.kind().isPooled()).findFirst().orElseThrow();
    assertThat(tracked.acquisitions()).isEqualTo(21);
    assertThat(tracked.longestWaitNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(150));
    assertThat(tracked.recordsEverySite(System.nanoTime())).as("every checkout's call site recorded").isFalse();
    Thread.sleep(1_500); // an episode would have ended, and been reported, by now
    assertThat(fixture.findings()).noneMatch(finding -> finding.type() == FindingType.POOL_EXHAUSTION);
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("poolsAndDatabases")
  void threeLightThreadsOnAPoolOfEightMakeNoFinding(PoolType type, TestDatabase database) throws Exception {
    DataSource dataSource = start(type, database, 8, 30_000, 30_000);
    ExportTask tasks = new ExportTask(dataSource, table);

    runConcurrently(3, worker -> {
      for (int i = 0; i < 50; i++) {
        tasks.runProperly();
      }
      return null;
    });
    Thread.sleep(300);

    assertThat(fixture.findings()).noneMatch(finding -> finding.type() == FindingType.POOL_EXHAUSTION
        || finding.type() == FindingType.CONNECTION_LEAK);
    PoolStatistics statistics = PoolStatistics.of(fixture.runtime().recorder().connections().pools().stream()
        .filter(each -> each.kind().isPooled()).findFirst().orElseThrow());
    assertThat(statistics.acquisitions()).isGreaterThanOrEqualTo(151);
    assertThat(statistics.peakInUse()).isBetween(1, 3);
    assertThat(statistics.line()).contains(" taken; wait p50 ").contains("; peak ");
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("poolsAndDatabases")
  void aConnectionNeverClosedIsReportedOnceThenFollowedUpWhenClosed(PoolType type, TestDatabase database)
      throws Exception {
    DataSource dataSource = start(type, database, 4, 30_000, 400);
    Connection leaked = new ExportTask(dataSource, table).start();

    Finding leak = awaitFinding(finding -> finding.type() == FindingType.CONNECTION_LEAK);
    assertThat(leak.severity()).isEqualTo(Severity.WARN);
    assertThat(leak.callSite()).startsWith("com.example.pool.ExportTask.start(ExportTask.java:");
    assertThat(leak.message()).contains("has been held").contains("and not closed")
        .contains("last statement: [select id, amount from " + table + " where account_id = ?]");
    assertThat(leak.details()).containsEntry("reason", "HELD_TOO_LONG");
    assertThat(fixture.findings()).filteredOn(finding -> finding.type() == FindingType.CONNECTION_LEAK).hasSize(1);

    leaked.close();

    Finding followUp = awaitFinding(finding -> finding.type() == FindingType.CONNECTION_LEAK
        && finding.severity() == Severity.INFO);
    assertThat(followUp.message()).contains("was closed after");
    assertThat(followUp.callSite()).isEqualTo(leak.callSite());
    assertThat(fixture.findings()).filteredOn(finding -> finding.type() == FindingType.CONNECTION_LEAK).hasSize(2);
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("poolsAndDatabases")
  void aConnectionStillOpenWhenItsScopeEndsIsALeakWhateverTheThreshold(PoolType type, TestDatabase database)
      throws Exception {
    DataSource dataSource = start(type, database, 4, 30_000, 60_000);
    Connection leaked;
    try (UnitOfWorkScope scope = QueryLens.unitOfWork("export job")) {
      new ExportTask(dataSource, table).runProperly();
      leaked = new ExportTask(dataSource, table).start();
    }
    try {
      Finding leak = awaitFinding(finding -> finding.type() == FindingType.CONNECTION_LEAK);
      assertThat(leak.details()).containsEntry("reason", "OPEN_AT_UNIT_END");
      assertThat(leak.message()).contains("was still open when export job ended");
      assertThat(leak.callSite()).startsWith("com.example.pool.ExportTask.start(ExportTask.java:");
    } finally {
      leaked.close();
    }
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("poolsAndDatabases")
  void anAcquisitionTimeoutIsAnExhaustionError(PoolType type, TestDatabase database) throws Exception {
    DataSource dataSource = start(type, database, 1, 300, 30_000);
    ReportBuilder reports = new ReportBuilder(dataSource, table);

    List<Throwable> failures = runConcurrently(2, worker -> reports.build(1, 1_200));

    assertThat(failures).hasSize(1);
    assertThat(failures.get(0)).isInstanceOf(SQLException.class);
    Finding exhaustion = awaitFinding(finding -> finding.type() == FindingType.POOL_EXHAUSTION);
    assertThat(exhaustion.severity()).isEqualTo(Severity.ERROR);
    assertThat(exhaustion.details()).containsEntry("timeouts", 1L);
    assertThat(exhaustion.message()).contains("1 acquisition timed out")
        .contains("Holding connections: com.example.pool.ReportBuilder.build(ReportBuilder.java:");
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("poolsAndDatabases")
  void aCaptureCountsTheConnectionsItTookAndFailsNoConnectionLeakForOneLeftOpen(PoolType type,
      TestDatabase database) throws Exception {
    DataSource dataSource = start(type, database, 4, 30_000, 60_000);
    ExportTask tasks = new ExportTask(dataSource, table);
    Connection leaked;
    try (QueryCapture capture = QueryLens.capture()) {
      tasks.runProperly();
      leaked = tasks.start();

      assertThat(capture.connectionsOpened()).isEqualTo(2);
      assertThat(capture.connectionsClosed()).isEqualTo(1);
      assertThatThrownBy(() -> capture.assertThat().noConnectionLeak())
          .isInstanceOf(AssertionError.class)
          .hasMessageStartingWith("Expected no CONNECTION_LEAK findings, found 1:")
          .hasMessageContaining("taken at com.example.pool.ExportTask.start(ExportTask.java:");

      leaked.close();
      assertThat(capture.connectionsClosed()).isEqualTo(2);
      capture.assertThat().noConnectionLeak();
    }
    Thread.sleep(200);
    assertThat(fixture.findings()).as("the capture's judgement leaves the running querylens' alone")
        .noneMatch(finding -> finding.type() == FindingType.CONNECTION_LEAK);
  }

  /** Runs {@code work} on {@code threads} threads at once; returns what they threw. */
  private static List<Throwable> runConcurrently(int threads, Work work) throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Object>> done = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        int worker = i;
        done.add(executor.submit(() -> work.run(worker)));
      }
      List<Throwable> failures = new ArrayList<>();
      for (Future<Object> each : done) {
        try {
          each.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException failed) {
          failures.add(failed.getCause());
        }
      }
      return failures;
    } finally {
      executor.shutdownNow();
    }
  }

  @FunctionalInterface
  private interface Work {
    Object run(int worker) throws Exception;
  }

  private Finding awaitFinding(Predicate<Finding> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
    while (System.nanoTime() < deadline) {
      for (Finding finding : fixture.findings()) {
        if (wanted.test(finding)) {
          return finding;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no such finding within " + WAIT_MILLIS + " ms; found " + fixture.findings()
        + "\ndiagnostics: " + fixture.diagnostics());
  }
}
