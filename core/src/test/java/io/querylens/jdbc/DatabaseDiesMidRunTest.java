package io.querylens.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.querylens.QueryLens;
import io.querylens.internal.Diagnostics;
import io.querylens.runtime.QueryLensRuntime;
import io.querylens.testing.LibraryLens;
import io.querylens.testing.TestDatabases;
import io.querylens.testing.TestDatabases.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A database that dies in the middle of a run (H2 shut down, a PostgreSQL backend terminated by the server): the
 * application sees, step by step, exactly the results and errors it sees without querylens, querylens records what ran
 * and reports no error of its own.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.querylens.testing.TestDatabases#all")
class DatabaseDiesMidRunTest {

  @Parameter TestDatabase database;

  private LibraryLens lens;
  private String url;
  private String table;

  @BeforeEach
  void start() {
    lens = new LibraryLens();
    url = database.url();
    table = "ledger_" + TestDatabases.uniqueSuffix();
  }

  @AfterEach
  void stop() throws SQLException {
    lens.close();
    if (database.isPostgres()) {
      try (Connection connection = dataSource(url).getConnection(); Statement statement = connection.createStatement()) {
        statement.execute("drop table if exists " + table + "_raw");
        statement.execute("drop table if exists " + table + "_watched");
      }
    }
  }

  private DataSource dataSource(String jdbcUrl) {
    if (database.isPostgres()) {
      PGSimpleDataSource source = new PGSimpleDataSource();
      source.setURL(jdbcUrl);
      return source;
    }
    JdbcDataSource source = new JdbcDataSource();
    source.setURL(jdbcUrl);
    return source;
  }

  @Test
  void theApplicationSeesTheSameResultsAndErrorsWithAndWithoutQuerylens() throws Exception {
    // H2: a named in-memory database per run, so that each run kills its own.
    List<String> raw = run(dataSource(database.isPostgres() ? url : url + "_raw"), table + "_raw");

    QueryLensRuntime runtime = lens.start(settings -> settings);
    List<String> watched = run(QueryLens.wrap(dataSource(database.isPostgres() ? url : url + "_watched")),
        table + "_watched");

    assertThat(watched.stream().map(step -> step.replace("_watched", "_raw")).toList()).isEqualTo(raw);
    assertThat(raw).as("the database really died").anyMatch(step -> step.startsWith("error "));
    runtime.flush();
    assertThat(runtime.recorder().statementCount()).as("create, insert, select, and the kill").isGreaterThanOrEqualTo(4);
    assertThat(Diagnostics.errorCounts()).as(lens.diagnostics()).isEmpty();
    System.out.println("[figures] database dies mid-run on " + database + ": " + raw.size() + " steps, "
        + raw.stream().filter(step -> step.startsWith("error ")).count() + " of them errors, identical with querylens; "
        + Diagnostics.totalErrors() + " querylens errors");
  }

  /** The application's run: each step's outcome, as a line (a result, or the error's class and SQL state). */
  private List<String> run(DataSource source, String ledger) throws Exception {
    List<String> steps = new ArrayList<>();
    Connection connection = source.getConnection();
    try {
      step(steps, () -> update(connection, "create table " + ledger + " (id int primary key, amount int)"));
      step(steps, () -> update(connection, "insert into " + ledger + " values (1, 10), (2, 20), (3, 30)"));
      step(steps, () -> query(connection, "select sum(amount) from " + ledger + " where id > ?", 0));
      kill(source, connection);
      step(steps, () -> query(connection, "select sum(amount) from " + ledger + " where id > ?", 1));
      step(steps, () -> update(connection, "insert into " + ledger + " values (4, 40)"));
      step(steps, () -> String.valueOf(connection.isValid(1)));
      step(steps, () -> {
        connection.close();
        return "closed";
      });
      step(steps, () -> {
        try (Connection again = source.getConnection()) {
          return query(again, "select count(*) from " + ledger + " where id > ?", 0);
        }
      });
    } finally {
      try {
        connection.close();
      } catch (SQLException alreadyGone) {
        // as expected
      }
    }
    return steps;
  }

  /** H2: the database shuts down. PostgreSQL: the server terminates the connection's backend. */
  private void kill(DataSource source, Connection victim) throws SQLException {
    if (database.isPostgres()) {
      int pid;
      try (Statement statement = victim.createStatement();
          ResultSet rows = statement.executeQuery("select pg_backend_pid()")) {
        rows.next();
        pid = rows.getInt(1);
      }
      try (Connection killer = source.getConnection(); Statement statement = killer.createStatement()) {
        statement.execute("select pg_terminate_backend(" + pid + ")");
      }
    } else {
      try (Statement statement = victim.createStatement()) {
        statement.execute("shutdown");
      }
    }
  }

  private static void step(List<String> steps, LibraryLens.Step step) {
    LibraryLens.record(steps, false, step);
  }

  private static String update(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      return String.valueOf(statement.executeUpdate(sql));
    }
  }

  private static String query(Connection connection, String sql, int parameter) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setInt(1, parameter);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? String.valueOf(rows.getObject(1)) : "no row";
      }
    }
  }
}
