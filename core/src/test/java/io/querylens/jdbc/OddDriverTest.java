package io.querylens.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.querylens.QueryLens;
import io.querylens.config.Settings;
import io.querylens.internal.Diagnostics;
import io.querylens.runtime.QueryLensRuntime;
import io.querylens.testing.LibraryLens;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A driver that does what real drivers are not supposed to (no real driver can be made to, so this one is written
 * for the test): statements that return null result sets, metadata and connections, methods that throw runtime
 * exceptions or "not supported", objects whose {@code toString} and {@code hashCode} throw. The application sees
 * exactly what it sees without querylens; querylens reports none of its own errors and keeps counting statements.
 */
class OddDriverTest {

  private final LibraryLens lens = new LibraryLens();

  @AfterEach
  void stop() {
    lens.close();
  }

  @Test
  void theApplicationSeesWhatTheOddDriverDoesAndQuerylensCarriesOn() {
    List<String> raw = run(oddDataSource());

    QueryLensRuntime runtime = lens.start(settings -> settings.set(Settings.SLOW_THRESHOLD_MS, 1L));
    List<String> watched = run(QueryLens.wrap(oddDataSource()));
    runtime.flush();

    assertThat(watched).isEqualTo(raw);
    assertThat(runtime.recorder().statementCount()).as("the query, the execute and the batch (the update failed binding)")
        .isEqualTo(3);
    assertThat(Diagnostics.errorCounts()).as(lens.diagnostics()).isEmpty();
    System.out.println("[figures] odd driver: " + raw.size() + " steps identical with querylens, "
        + runtime.recorder().statementCount() + " statements recorded, " + Diagnostics.totalErrors()
        + " querylens errors");
  }

  private static List<String> run(DataSource source) {
    List<String> steps = new ArrayList<>();
    Connection connection;
    try {
      connection = source.getConnection();
    } catch (SQLException failed) {
      throw new IllegalStateException(failed);
    }
    step(steps, () -> {
      try (PreparedStatement statement = connection.prepareStatement("select id from orders where id = ?")) {
        statement.setLong(1, 42);
        ResultSet rows = statement.executeQuery();
        return rows == null ? "null result set" : "a result set";
      }
    });
    step(steps, () -> {
      try (PreparedStatement statement = connection.prepareStatement("update orders set total = ? where id = ?")) {
        statement.setInt(1, 1);
        statement.setString(2, "x");
        return String.valueOf(statement.executeUpdate());
      }
    });
    step(steps, () -> {
      try (Statement statement = connection.createStatement()) {
        boolean result = statement.execute("select 1");
        return result + " " + statement.getUpdateCount();
      }
    });
    step(steps, () -> {
      try (Statement statement = connection.createStatement()) {
        statement.addBatch("insert into orders values (1)");
        statement.addBatch("insert into orders values (2)");
        int[] counts = statement.executeBatch();
        return counts == null ? "null counts" : counts.length + " counts";
      }
    });
    step(steps, () -> String.valueOf(connection.getMetaData()));
    step(steps, () -> {
      connection.setAutoCommit(false);
      connection.commit();
      connection.rollback();
      return "transaction";
    });
    step(steps, () -> {
      connection.close();
      return "closed";
    });
    return steps;
  }

  private static void step(List<String> steps, LibraryLens.Step step) {
    LibraryLens.record(steps, true, step);
  }

  /** The odd driver, as a data source. */
  private static DataSource oddDataSource() {
    return proxy(DataSource.class, (self, method, args) -> switch (method.getName()) {
      case "getConnection" -> connection();
      case "toString" -> throw new IllegalStateException("toString is broken");
      case "hashCode" -> 7;
      case "equals" -> self == args[0];
      default -> null;
    });
  }

  private static Connection connection() {
    return proxy(Connection.class, (self, method, args) -> switch (method.getName()) {
      case "prepareStatement" -> preparedStatement(self);
      case "createStatement" -> statement(self);
      case "getMetaData" -> null;
      case "isClosed" -> throw new UnsupportedOperationException("isClosed is not implemented");
      case "commit" -> throw new SQLFeatureNotSupportedException("no transactions");
      case "toString" -> throw new IllegalStateException("toString is broken");
      case "hashCode" -> throw new IllegalStateException("hashCode is broken");
      case "equals" -> self == args[0];
      case "unwrap" -> null;
      case "isWrapperFor" -> false;
      default -> method.getReturnType() == boolean.class ? Boolean.FALSE
          : method.getReturnType() == int.class ? 0 : null;
    });
  }

  private static PreparedStatement preparedStatement(Object connection) {
    return proxy(PreparedStatement.class, (self, method, args) -> switch (method.getName()) {
      case "executeQuery" -> null;
      case "executeUpdate" -> throw new UnsupportedOperationException("executeUpdate is not implemented");
      case "setString" -> throw new SQLException("cannot bind a string", "22000");
      case "getConnection" -> null;
      case "getResultSet" -> null;
      case "toString" -> throw new IllegalStateException("toString is broken");
      case "hashCode" -> 11;
      case "equals" -> self == args[0];
      default -> method.getReturnType() == boolean.class ? Boolean.FALSE
          : method.getReturnType() == int.class ? -1 : null;
    });
  }

  private static Statement statement(Object connection) {
    return proxy(Statement.class, (self, method, args) -> switch (method.getName()) {
      case "execute" -> Boolean.TRUE;
      case "getResultSet" -> null;
      case "getUpdateCount" -> throw new SQLFeatureNotSupportedException("no update count");
      case "executeBatch" -> null;
      case "getConnection" -> null;
      case "toString" -> throw new IllegalStateException("toString is broken");
      case "hashCode" -> 13;
      case "equals" -> self == args[0];
      default -> method.getReturnType() == boolean.class ? Boolean.FALSE
          : method.getReturnType() == int.class ? -1 : null;
    });
  }

  @SuppressWarnings("unchecked")
  private static <T> T proxy(Class<T> type, InvocationHandler handler) {
    return (T) Proxy.newProxyInstance(OddDriverTest.class.getClassLoader(), new Class<?>[] {type}, handler);
  }
}
