package com.example.odd;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A statement of the odd driver, plain or prepared: a prepared {@code executeQuery()} returns null (and takes 2 ms,
 * so that it is slow past a 1 ms threshold), {@code executeUpdate()} throws {@link UnsupportedOperationException},
 * binding a string throws an {@link SQLException}, {@code getUpdateCount} is not supported, {@code executeBatch}
 * returns null counts, {@code getConnection} null, and {@code toString} and {@code hashCode} throw. A plain
 * {@code executeQuery(sql)} returns an {@link OddResultSet} of one row, which {@code getResultSet} hands out again.
 */
final class OddStatement extends UnsupportedPreparedStatement {

  private final OddConnection connection;
  private final String sql;
  private ResultSet last;

  OddStatement(OddConnection connection, String sql) {
    this.connection = connection;
    this.sql = sql;
  }

  @Override
  public ResultSet executeQuery() {
    try {
      Thread.sleep(2);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
    return null;
  }

  @Override
  public ResultSet executeQuery(String sql) {
    last = new OddResultSet();
    return last;
  }

  @Override
  public int executeUpdate() {
    throw new UnsupportedOperationException("executeUpdate is not implemented");
  }

  @Override
  public boolean execute(String sql) {
    last = new OddResultSet();
    return true;
  }

  @Override
  public ResultSet getResultSet() {
    return last;
  }

  @Override
  public int getUpdateCount() throws SQLException {
    throw unsupported("getUpdateCount");
  }

  @Override
  public void setInt(int index, int value) {
    // accepted
  }

  @Override
  public void setLong(int index, long value) {
    // accepted
  }

  @Override
  public void setString(int index, String value) throws SQLException {
    throw new SQLException("cannot bind a string", "22000");
  }

  @Override
  public void addBatch(String sql) {
    // accepted, never run
  }

  @Override
  public int[] executeBatch() {
    return null;
  }

  @Override
  public Connection getConnection() {
    return null;
  }

  @Override
  public void close() {
    // nothing to close
  }

  @Override
  public String toString() {
    throw new IllegalStateException("toString is broken" + (sql == null ? "" : " for " + sql));
  }

  @Override
  public int hashCode() {
    throw new IllegalStateException("hashCode is broken");
  }

  @Override
  public boolean equals(Object other) {
    return this == other;
  }
}
