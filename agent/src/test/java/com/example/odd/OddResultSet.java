package com.example.odd;

import java.sql.ResultSetMetaData;

/**
 * A result set of the odd driver: one row whose first column is 1; no metadata (null); {@code isWrapperFor} throws a
 * runtime exception and {@code unwrap} returns null; {@code toString} throws.
 */
final class OddResultSet extends UnsupportedResultSet {

  private int row;

  @Override
  public boolean next() {
    return ++row == 1;
  }

  @Override
  public long getLong(int column) {
    return 1;
  }

  @Override
  public ResultSetMetaData getMetaData() {
    return null;
  }

  @Override
  public boolean isWrapperFor(Class<?> type) {
    throw new IllegalStateException("isWrapperFor is broken");
  }

  @Override
  public <T> T unwrap(Class<T> type) {
    return null;
  }

  @Override
  public void close() {
    // nothing to close
  }

  @Override
  public String toString() {
    throw new IllegalStateException("toString is broken");
  }
}
