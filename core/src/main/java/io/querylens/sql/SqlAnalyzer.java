package io.querylens.sql;

/** Reads the structure of a statement shape with JSqlParser. Never throws. (Being written.) */
public final class SqlAnalyzer {

  /** Analyzes a shape produced by {@link SqlNormalizer}. */
  public SqlStructure analyze(String shape) {
    throw new UnsupportedOperationException("being written");
  }
}
