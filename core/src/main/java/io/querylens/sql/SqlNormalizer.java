package io.querylens.sql;

/**
 * Turns raw SQL into a statement shape in one linear pass. Never throws. (Being written.)
 */
public final class SqlNormalizer {
  /** Default cap on the number of characters normalized. */
  public static final int DEFAULT_MAX_LENGTH = 32 * 1024;

  private final int maxLength;

  public SqlNormalizer(int maxLength) {
    this.maxLength = maxLength;
  }

  public SqlNormalizer() {
    this(DEFAULT_MAX_LENGTH);
  }

  /** Normalizes {@code sql}; null gives an empty shape of kind OTHER. */
  public NormalizedSql normalize(String sql) {
    throw new UnsupportedOperationException("being written, maxLength=" + maxLength);
  }
}
