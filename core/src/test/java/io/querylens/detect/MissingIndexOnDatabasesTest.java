package io.querylens.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.shipping.Shipments;
import io.querylens.QueryLens;
import io.querylens.bootstrap.HookListener;
import io.querylens.bootstrap.Hooks;
import io.querylens.config.QueryLensConfig;
import io.querylens.config.Settings;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.runtime.QueryLensRuntime;
import io.querylens.testing.TestDatabases;
import io.querylens.testing.TestDatabases.TestDatabase;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The missing-index detector on real databases, through the data source wrapper over a HikariCP pool: a 100,000-row
 * table filtered by an unindexed column yields one finding with the table, columns and DDL, and running that DDL
 * makes it go away; primary-key lookups, indexed lookups, a filter on a column of three values and small tables
 * yield nothing; equality plus ORDER BY gets
 * the composite index in the right order; on PostgreSQL (where {@code .ci/run} installs HypoPG) the candidate is
 * proved with a hypothetical index. On H2, PostgreSQL and MariaDB ({@code .ci/run} starts MariaDB 10.11).
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.querylens.testing.TestDatabases#withMariaDb")
class MissingIndexOnDatabasesTest {

  private static final int ROWS = 100_000;
  private static final String APP = "com.example.shipping.Shipments.";

  @Parameter TestDatabase database;

  private HikariDataSource pool;
  private String table;
  private final java.util.List<String> tables = new java.util.ArrayList<>();
  private QueryLensRuntime runtime;

  @BeforeEach
  void open() throws SQLException {
    pool = database.pool();
    table = "shipments_" + TestDatabases.uniqueSuffix();
    create(table, ROWS);
    if (database.isPostgres()) {
      execute("create extension if not exists hypopg");
    }
  }

  @AfterEach
  void close() throws SQLException {
    try {
      stopQueryLens();
      if (database != TestDatabase.H2 && pool != null) {
        for (String each : tables) {
          execute("drop table if exists " + each);
        }
      }
    } finally {
      if (pool != null) {
        pool.close();
      }
    }
  }

  private void create(String name, int rows) throws SQLException {
    tables.add(name);
    Shipments.createSchema(pool, name, rows, database.isPostgres());
  }

  private void execute(String sql) throws SQLException {
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  @FunctionalInterface
  interface Work {
    void run(Shipments shipments) throws Exception;
  }

  /** Runs {@code work} on {@code onTable} under a fresh querylens and returns its missing-index findings. */
  private List<Finding> missingIndexes(String onTable, Work work) throws Exception {
    startQueryLens();
    DataSource watched = QueryLens.wrap(pool);
    List<Finding> found;
    try (io.querylens.capture.QueryCapture capture =
        QueryLens.capture(io.querylens.capture.CaptureScope.ALL_THREADS)) {
      work.run(new Shipments(watched, onTable));
      runtime.flush();
      found = runtime.findings().stream().filter(finding -> finding.type() == FindingType.MISSING_INDEX).toList();
      capture.close();
      assertThat(capture.statements()).as("querylens' own EXPLAINs and catalog reads are never recorded")
          .allSatisfy(statement -> assertThat(statement.sql()).containsAnyOf("select ", "update ")
              .doesNotContain("explain")
              .doesNotContain("information_schema").doesNotContain("pg_class").doesNotContain("hypopg")
              .doesNotContain("count(*)"));
    }
    stopQueryLens();
    return found;
  }

  private void startQueryLens() {
    stopQueryLens();
    runtime = QueryLensRuntime.start(QueryLensConfig.builder()
        .set(Settings.SUMMARY, Settings.SummaryMode.NEVER)
        .set(Settings.INDEX_EXPLAIN_MIN_MS, 0L)
        .build(), QueryLensRuntime.Mode.LIBRARY, false);
  }

  private void stopQueryLens() {
    if (runtime != null) {
      runtime.shutdown();
      runtime = null;
    }
    Hooks.install(HookListener.NO_OP);
    Hooks.installCaptureBridge(null);
  }

  @Test
  void anUnindexedFilterOnABigTableIsReportedWithItsDdlUntilTheIndexExists() throws Exception {
    List<Finding> findings = missingIndexes(table, shipments -> {
      for (int carrier = 1; carrier <= 3; carrier++) {
        assertThat(shipments.byCarrier(carrier)).isEqualTo(ROWS / 500);
      }
    });

    assertThat(findings).hasSize(1);
    Finding finding = findings.get(0);
    String ddl = ddl("idx_" + table + "_carrier_id ON " + table + " (carrier_id)");
    assertThat(finding.severity()).isEqualTo(Severity.WARN);
    assertThat(finding.detectorId()).isEqualTo("missing-index");
    assertThat(finding.tables()).containsExactly(table);
    assertThat(finding.columns()).containsExactly("carrier_id");
    assertThat(finding.sql()).isEqualTo("select id, note from " + table + " where carrier_id = ?");
    assertThat(finding.callSite()).startsWith(APP + "byCarrier(Shipments.java:");
    assertThat(finding.count()).isBetween(1L, 3L); // executions so far when the plan came back
    assertThat(finding.details()).containsEntry("ddl", ddl);
    if (database.isMariaDb()) {
      // InnoDB's estimate from its statistics, a few percent off.
      assertThat((Long) finding.details().get("tableRows")).isBetween(ROWS * 9L / 10, ROWS * 11L / 10);
    } else {
      assertThat(finding.details()).containsEntry("tableRows", (long) ROWS);
    }
    assertThat(finding.message())
        .startsWith("Missing index: " + table + " is read by "
            + (database.isPostgres() ? "a sequential scan" : "a full table scan") + " ("
            + (database.isMariaDb() ? "" : "100,000 rows"))
        .contains("Candidate index on " + table + " (carrier_id): ");
    assertThat(finding.suggestion()).startsWith("Create it: " + ddl);
    if (database.isPostgres()) {
      assertThat(finding.details()).containsEntry("verified", true).containsKeys("costBefore", "costAfter");
      assertThat((Double) finding.details().get("costAfter"))
          .isLessThanOrEqualTo((Double) finding.details().get("costBefore") / 2);
      assertThat(finding.message()).contains("~99.").contains("with it (checked with a hypothetical index)");
    } else {
      assertThat(finding.details()).containsEntry("verified", false).doesNotContainKey("costAfter");
      assertThat(finding.message()).contains("unverified (" + (database.isMariaDb() ? "MariaDB" : "H2")
          + " cannot test an index without building it)");
    }
    if (database.isMariaDb()) {
      // 500 carriers among the sample's 10,000 rows: 20 rows a value, 200 in the whole table (as InnoDB counts it).
      assertThat((Long) finding.details().get("estimatedScanRows")).isBetween(180L, 220L);
      assertThat(finding.suggestion()).contains("ALGORITHM=INPLACE LOCK=NONE builds it without blocking writes");
    }

    execute(ddl);
    assertThat(missingIndexes(table, shipments -> shipments.byCarrier(7))).isEmpty();
  }

  @Test
  void primaryKeyAndIndexedLookupsUnselectiveFiltersAndSmallTablesYieldNothing() throws Exception {
    execute("create index idx_" + table + "_note on " + table + " (note)");
    String small = "shipments_" + TestDatabases.uniqueSuffix();
    create(small, 2_000);

    List<Finding> findings = missingIndexes(table, shipments -> {
      shipments.byId(42);
      shipments.byNote("note 42");
      shipments.byStatus("NEW");
      new Shipments(QueryLens.wrap(pool), small).byCarrier(3);
    });

    assertThat(findings).isEmpty();
  }

  @Test
  void noConnectionIsTakenFromAPoolWithNoneToSpareUntilOneIsFree() throws Exception {
    startQueryLens();
    DataSource watched = QueryLens.wrap(pool);
    List<Connection> held = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < pool.getMaximumPoolSize(); i++) {
        held.add(watched.getConnection());
      }
      Shipments onHeld = new Shipments(heldConnection(held.get(0)), table);
      onHeld.byCarrier(5);
      runtime.flush();
      assertThat(runtime.findings()).filteredOn(finding -> finding.type() == FindingType.MISSING_INDEX).isEmpty();
      assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isEqualTo(pool.getMaximumPoolSize());
    } finally {
      for (Connection connection : held) {
        connection.close();
      }
    }
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    List<Finding> found = List.of();
    while (found.isEmpty() && System.nanoTime() - deadline < 0) {
      Thread.sleep(100);
      runtime.flush();
      found = runtime.findings().stream().filter(finding -> finding.type() == FindingType.MISSING_INDEX).toList();
    }
    assertThat(found).as("planned once a connection was free again").hasSize(1);
  }

  /** A data source handing out {@code connection} again and again, its close() doing nothing: it stays held. */
  private static DataSource heldConnection(Connection connection) {
    Connection unclosable = (Connection) java.lang.reflect.Proxy.newProxyInstance(
        MissingIndexOnDatabasesTest.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> method.getName().equals("close") ? null : invoke(connection, method, args));
    return (DataSource) java.lang.reflect.Proxy.newProxyInstance(MissingIndexOnDatabasesTest.class.getClassLoader(),
        new Class<?>[] {DataSource.class}, (proxy, method, args) -> unclosable);
  }

  private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (java.lang.reflect.InvocationTargetException failed) {
      throw failed.getCause();
    }
  }

  @Test
  void equalityAndOrderBySuggestTheCompositeIndexInThatOrder() throws Exception {
    List<Finding> findings = missingIndexes(table, shipments -> shipments.latestForCarrier(17, 20));

    assertThat(findings).hasSize(1);
    Finding finding = findings.get(0);
    assertThat(finding.columns()).containsExactly("carrier_id");
    assertThat(finding.details()).containsEntry("indexColumns", List.of("carrier_id", "shipped_at"))
        .containsEntry("ddl", ddl("idx_" + table + "_carrier_id_shipped_at ON " + table
            + " (carrier_id, shipped_at DESC)"));
    assertThat(finding.callSite()).startsWith(APP + "latestForCarrier(Shipments.java:");
  }

  @Test
  void aFunctionOnAnIndexedColumnIsReportedAsDefeatingItsIndex() throws Exception {
    String index = "idx_" + table + "_note";
    execute("create index " + index + " on " + table + " (note)");

    List<Finding> findings = missingIndexes(table, shipments -> shipments.byNoteIgnoringCase("note 42"));

    assertThat(findings).hasSize(1);
    Finding finding = findings.get(0);
    assertThat(finding.columns()).containsExactly("note");
    assertThat(finding.details()).containsEntry("defeatedIndex", database == TestDatabase.H2 ? index.toUpperCase() : index)
        .doesNotContainKey("ddl");
    assertThat(finding.message()).contains("exists but cannot be used: note is wrapped in a function or cast");
  }

  @Test
  void aCastOfAnIndexedColumnIsReportedOnPostgres() throws Exception {
    String index = "idx_" + table + "_carrier_id";
    execute("create index " + index + " on " + table + " (carrier_id)");

    List<Finding> findings = missingIndexes(table, shipments -> shipments.byCarrierAsDecimal(new BigDecimal("7.0")));

    if (database.isPostgres()) {
      assertThat(findings).hasSize(1);
      assertThat(findings.get(0).details()).containsEntry("defeatedIndex", index);
      assertThat(findings.get(0).message()).contains("carrier_id is compared through a type cast");
    } else {
      assertThat(findings).isEmpty(); // H2 and MariaDB convert the value, not the column, and use the index
    }
  }

  @Test
  void aTableNamedByAnAliasInThePlanIsReportedUnderItsName() throws Exception {
    List<Finding> findings = missingIndexes(table, shipments -> shipments.byCarrierAliased(11));

    assertThat(findings).hasSize(1);
    assertThat(findings.get(0).tables()).containsExactly(table);
    assertThat(findings.get(0).details())
        .containsEntry("ddl", ddl("idx_" + table + "_carrier_id ON " + table + " (carrier_id)"));
  }

  @Test
  void anUpdateIsPlannedButNeverOnMariaDb() throws Exception {
    List<Finding> findings = missingIndexes(table, shipments -> shipments.markSent(13));

    if (database.isMariaDb()) {
      assertThat(findings).as("querylens sends no EXPLAIN of a write to MariaDB").isEmpty();
    } else {
      assertThat(findings).singleElement().satisfies(finding -> assertThat(finding.details())
          .containsEntry("ddl", ddl("idx_" + table + "_carrier_id ON " + table + " (carrier_id)")));
    }
  }

  @Test
  void aLikeWithAFixedPrefixGetsAPatternOperatorClassOnPostgres() throws Exception {
    List<Finding> findings = missingIndexes(table, shipments -> shipments.notesStartingWith("note 4242"));

    if (database.isPostgres()) {
      // The database's collation is not "C" (.ci/run's cluster: C.UTF-8), so a plain B-tree key cannot serve LIKE.
      try (java.sql.Connection connection = java.sql.DriverManager.getConnection(
          io.querylens.testing.TestDatabases.postgresUrl());
          java.sql.ResultSet collation = connection.createStatement().executeQuery(
              "select datcollate from pg_database where datname = current_database()")) {
        collation.next();
        org.junit.jupiter.api.Assumptions.assumeFalse(List.of("C", "POSIX").contains(collation.getString(1)),
            "a database with the C collation serves LIKE 'x%' from a plain index: no operator class to suggest");
      }
      Finding finding = provedUntilBuilt(findings, "note", "note varchar_pattern_ops",
          shipments -> shipments.notesStartingWith("note 77"));
      assertThat(finding.sql()).isEqualTo("select id from " + table + " where note like ?");
      assertThat(finding.details()).containsEntry("indexColumns", List.of("note"));
    } else {
      // A plain key serves the prefix there, but with no equality column and no planner proof nothing tells it pays.
      assertThat(findings).isEmpty();
    }
  }

  @Test
  void aFunctionOnAnUnindexedColumnGetsAnExpressionIndexOnPostgres() throws Exception {
    List<Finding> findings = missingIndexes(table, shipments -> shipments.byNoteIgnoringCase("note 42"));

    if (database.isPostgres()) {
      Finding finding = provedUntilBuilt(findings, "lower_note", "lower(note)",
          shipments -> shipments.byNoteIgnoringCase("note 7"));
      assertThat(finding.details()).containsEntry("indexColumns", List.of("lower(note)"));
      assertThat(finding.message()).contains("Candidate index on " + table + " (lower(note)): planner cost ")
          .doesNotContain("Also:");
    } else {
      assertThat(findings).as("H2 and MariaDB 10.11 have no expression indexes").isEmpty();
    }
  }

  /**
   * Asserts that {@code findings} is one finding on the note, whose index ({@code idx_<table>_<nameSuffix>} on
   * {@code key}) HypoPG proved at least halves the cost; builds that index and asserts that {@code again} then yields
   * nothing.
   */
  private Finding provedUntilBuilt(List<Finding> findings, String nameSuffix, String key, Work again)
      throws Exception {
    String ddl = ddl("idx_" + table + "_" + nameSuffix + " ON " + table + " (" + key + ")");
    assertThat(findings).hasSize(1);
    Finding finding = findings.get(0);
    assertThat(finding.columns()).containsExactly("note");
    assertThat(finding.details()).containsEntry("ddl", ddl).containsEntry("verified", true);
    assertThat((Double) finding.details().get("costAfter"))
        .isLessThanOrEqualTo((Double) finding.details().get("costBefore") / 2);
    execute(ddl);
    assertThat(missingIndexes(table, again)).isEmpty();
    return finding;
  }

  /** {@code CREATE INDEX <rest>} as this database's planner writes it. */
  private String ddl(String rest) {
    return switch (database) {
      case POSTGRESQL -> "CREATE INDEX CONCURRENTLY " + rest;
      case MARIADB -> "CREATE INDEX " + rest + " ALGORITHM=INPLACE LOCK=NONE";
      case H2 -> "CREATE INDEX " + rest;
    };
  }
}
