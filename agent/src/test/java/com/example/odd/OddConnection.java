package com.example.odd;

import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A connection of the odd driver: no metadata (null), {@code isClosed} not implemented (a runtime exception),
 * {@code commit} not supported, {@code toString} and {@code hashCode} that throw, {@code unwrap} that answers null.
 */
final class OddConnection extends UnsupportedConnection {

  @Override
  public PreparedStatement prepareStatement(String sql) {
    return new OddStatement(this, sql);
  }

  @Override
  public Statement createStatement() {
    return new OddStatement(this, null);
  }

  @Override
  public DatabaseMetaData getMetaData() {
    return null;
  }

  @Override
  public boolean isClosed() {
    throw new UnsupportedOperationException("isClosed is not implemented");
  }

  @Override
  public void setAutoCommit(boolean autoCommit) {
    // accepted and ignored
  }

  @Override
  public boolean getAutoCommit() {
    return true;
  }

  @Override
  public void commit() throws SQLException {
    throw unsupported("commit");
  }

  @Override
  public void rollback() {
    // nothing to roll back
  }

  @Override
  public void close() {
    // nothing to close
  }

  @Override
  public <T> T unwrap(Class<T> type) {
    return null;
  }

  @Override
  public boolean isWrapperFor(Class<?> type) {
    return false;
  }

  @Override
  public String toString() {
    throw new IllegalStateException("toString is broken");
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
