package io.querylens.plan;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The rows one value of some columns matches, estimated from the distinct values among a table's first
 * {@value #SAMPLE_ROWS} rows, for databases whose plans carry no usable row estimate for a filter on an unindexed
 * column (H2 has none; MariaDB and MySQL assume every row matches without a histogram). Counted inside the database:
 * no value leaves it.
 */
final class ValueSample {

  static final int SAMPLE_ROWS = 10_000;
  private static final int QUERY_TIMEOUT_SECONDS = 5;

  private ValueSample() {}

  /**
   * The rows of {@code table} one combination of {@code columns}' values matches, or NaN when the sample has none.
   *
   * @param table the table as SQL (quoted, qualified as needed)
   * @param columns the columns as SQL (quoted)
   * @param tableRows the rows in the table, as the database estimates them
   */
  static double rowsPerValue(Connection connection, String table, List<String> columns, long tableRows)
      throws SQLException {
    String list = String.join(", ", columns);
    try (PreparedStatement distinct = connection.prepareStatement("SELECT COUNT(*) FROM (SELECT DISTINCT " + list
        + " FROM (SELECT " + list + " FROM " + table + " LIMIT " + SAMPLE_ROWS + ") sample) d")) {
      distinct.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      try (ResultSet rows = distinct.executeQuery()) {
        long values = rows.next() ? rows.getLong(1) : 0;
        long sampled = Math.min(tableRows, SAMPLE_ROWS);
        return values <= 0 || sampled <= 0 ? Double.NaN
            : (double) tableRows * Math.max(1, sampled / values) / sampled;
      }
    }
  }
}
