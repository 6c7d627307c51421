package io.querylens.sql;

/** Where a quoted SQL string or identifier ends: shared by the lexer and the scanners that look into raw SQL. */
public final class Quoting {

  private Quoting() {}

  /**
   * Returns the index after the quote closing the one at {@code open} (doubled quotes escape), or the end of input.
   */
  public static int skipQuoted(String sql, int open, char quote) {
    int i = open + 1;
    while (i < sql.length()) {
      if (sql.charAt(i) == quote) {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return sql.length();
  }
}
