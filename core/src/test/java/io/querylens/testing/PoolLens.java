package io.querylens.testing;

import com.example.shipping.Shipments;
import com.zaxxer.hikari.HikariDataSource;
import io.querylens.QueryLens;
import io.querylens.capture.QueryCapture;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.bootstrap.HookListener;
import io.querylens.bootstrap.Hooks;
import io.querylens.config.QueryLensConfig;
import io.querylens.config.Settings;
import io.querylens.runtime.QueryLensRuntime;
import io.querylens.testing.TestDatabases.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * querylens in library mode (no summary, then the given settings) over a HikariCP pool on one test database, with
 * {@link Shipments} tables made on demand. Closing it shuts querylens down, uninstalls the hooks, drops the tables
 * (PostgreSQL) and closes the pool.
 */
public final class PoolLens implements AutoCloseable {

  public final TestDatabase database;
  public final HikariDataSource pool;
  public final QueryLensRuntime runtime;
  private final List<String> tables = new ArrayList<>();

  public PoolLens(TestDatabase database, UnaryOperator<QueryLensConfig.Builder> settings) {
    this.database = database;
    this.pool = database.pool();
    this.runtime = QueryLensRuntime.start(settings.apply(QueryLensConfig.builder()
        .set(Settings.SUMMARY, Settings.SummaryMode.NEVER)).build(), QueryLensRuntime.Mode.LIBRARY, false);
  }

  /** Work run under a capture. */
  @FunctionalInterface
  public interface Work {
    void run() throws Exception;
  }

  /**
   * Runs {@code work} as an HTTP GET of {@code uri}, opened and ended the way the agent's servlet advice does: Spring
   * MVC matched it to {@code route} (null: no framework named a route).
   */
  public static void request(String uri, String route, Work work) throws Exception {
    Object scope = Hooks.beginRequest("GET", uri);
    try {
      work.run();
    } finally {
      Hooks.endRequest(scope, "", route);
    }
  }

  /** Runs {@code work} under a fresh capture and returns the capture's findings of {@code type}. */
  public static List<Finding> captured(FindingType type, Work work) throws Exception {
    try (QueryCapture capture = QueryLens.capture()) {
      work.run();
      capture.close();
      return capture.findings().stream().filter(finding -> finding.type() == type).toList();
    }
  }

  /** A new shipments table of {@code rows} rows, read through the watched pool. */
  public Shipments shipments(String prefix, int rows) throws SQLException {
    return shipmentsNamed(prefix + "_" + TestDatabases.uniqueSuffix(), rows);
  }

  /** A new shipments table called {@code table} (dropped at close), read through the watched pool. */
  public Shipments shipmentsNamed(String table, int rows) throws SQLException {
    tables.add(table);
    Shipments.createSchema(pool, table, rows, database.isPostgres());
    return new Shipments(QueryLens.wrap(pool), table);
  }

  @Override
  public void close() throws SQLException {
    try {
      runtime.shutdown();
      Hooks.install(HookListener.NO_OP);
      Hooks.installCaptureBridge(null);
      if (database.isPostgres()) {
        for (String table : tables) {
          try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("drop table if exists " + table);
          }
        }
      }
    } finally {
      pool.close();
    }
  }
}
