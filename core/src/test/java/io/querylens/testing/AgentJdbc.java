package io.querylens.testing;

import io.querylens.bootstrap.Hooks;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Calls real H2 JDBC methods wrapped in the hooks the agent's advice would call around them. Lives in an
 * {@code io.querylens} package, so its frames are never taken for application frames: the call site is whatever
 * application code called in here, as with an instrumented driver.
 */
public final class AgentJdbc {

  private AgentJdbc() {}

  public static PreparedStatement prepare(Connection connection, String sql) throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    Hooks.onPrepared(statement, sql);
    return statement;
  }

  public static void setLong(PreparedStatement statement, int index, long value) throws SQLException {
    Hooks.onBindLong(statement, index, value);
    statement.setLong(index, value);
  }

  public static void setString(PreparedStatement statement, int index, String value) throws SQLException {
    Hooks.onBindObject(statement, index, value);
    statement.setString(index, value);
  }

  public static void setObject(PreparedStatement statement, int index, Object value) throws SQLException {
    Hooks.onBindObject(statement, index, value);
    statement.setObject(index, value);
  }

  /** {@code executeQuery()} of a prepared statement; returns the rows read. */
  public static int query(PreparedStatement statement) throws SQLException {
    return querySlowly(statement, 0);
  }

  /** {@code executeQuery()} that takes at least {@code sleepMillis} (sleeps inside the instrumented call). */
  public static int querySlowly(PreparedStatement statement, long sleepMillis) throws SQLException {
    Object scope = Hooks.beforeExecute(statement, null);
    Throwable thrown = null;
    try (ResultSet rows = statement.executeQuery()) {
      sleep(sleepMillis);
      int count = 0;
      while (rows.next()) {
        count++;
      }
      return count;
    } catch (SQLException | RuntimeException failed) {
      thrown = failed;
      throw failed;
    } finally {
      Hooks.afterExecute(scope, thrown);
    }
  }

  /** {@code Statement.execute(sql)} that takes at least {@code sleepMillis}. */
  public static void execute(Statement statement, String sql, long sleepMillis) throws SQLException {
    Object scope = Hooks.beforeExecute(statement, sql);
    Throwable thrown = null;
    try {
      statement.execute(sql);
      sleep(sleepMillis);
    } catch (SQLException | RuntimeException failed) {
      thrown = failed;
      throw failed;
    } finally {
      Hooks.afterExecute(scope, thrown);
    }
  }

  public static int[] executeBatch(Statement statement) throws SQLException {
    Object scope = Hooks.beforeBatch(statement);
    int[] result = null;
    Throwable thrown = null;
    try {
      result = statement.executeBatch();
      return result;
    } catch (SQLException | RuntimeException failed) {
      thrown = failed;
      throw failed;
    } finally {
      Hooks.afterBatch(scope, thrown, result);
    }
  }

  public static void close(Statement statement) throws SQLException {
    Hooks.onStatementClosed(statement);
    statement.close();
  }

  public static void setAutoCommit(Connection connection, boolean autoCommit) throws SQLException {
    Hooks.onAutoCommit(connection, autoCommit);
    connection.setAutoCommit(autoCommit);
  }

  public static void commit(Connection connection) throws SQLException {
    Hooks.onCommit(connection);
    connection.commit();
  }

  public static void rollback(Connection connection) throws SQLException {
    Hooks.onRollback(connection);
    connection.rollback();
  }

  private static void sleep(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
