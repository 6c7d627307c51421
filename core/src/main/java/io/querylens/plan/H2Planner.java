package io.querylens.plan;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * H2: {@code EXPLAIN} prints the statement back with a comment per table naming the index it uses, or
 * {@code tableScan}; its row count estimate is in {@code INFORMATION_SCHEMA.TABLES}. H2 has no costs in its plans and
 * no hypothetical indexes, so its candidates are unverified.
 */
final class H2Planner implements DatabasePlanner {

  /** A table in the printed plan and the comment after it: {@code "PUBLIC"."SHIP" "S" /* PUBLIC.SHIP.tableScan *}{@code /}. */
  private static final Pattern TABLE_AND_ACCESS =
      Pattern.compile("\"([^\"]+)\"\\.\"([^\"]+)\"(?:\\s+\"[^\"]+\")?\\s*/\\*\\s*([^*]+?)\\s*\\*/");
  private static final int QUERY_TIMEOUT_SECONDS = 5;

  @Override
  public String name() {
    return "H2";
  }

  @Override
  public QueryPlan explain(Connection connection, String sql, boolean bindMarkers) throws SQLException {
    String plan;
    try (PreparedStatement explain = connection.prepareStatement("EXPLAIN " + sql)) {
      explain.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      try (ResultSet rows = explain.executeQuery()) {
        StringBuilder text = new StringBuilder();
        while (rows.next()) {
          text.append(rows.getString(1)).append('\n');
        }
        plan = text.toString();
      }
    }
    return new QueryPlan(Double.NaN, scans(plan));
  }

  /**
   * The tables an H2 plan reads whole, each once: by {@code tableScan}, or through an index without a condition
   * ({@code /* PUBLIC.IDX_NOTE *}{@code /}: every entry of the index, in its order).
   */
  static List<QueryPlan.TableScan> scans(String plan) {
    Map<String, QueryPlan.TableScan> scans = new LinkedHashMap<>();
    Matcher matcher = TABLE_AND_ACCESS.matcher(plan);
    while (matcher.find()) {
      String access = matcher.group(3);
      if (!access.endsWith(".tableScan") && access.contains(":")) {
        continue; // an index lookup: "PUBLIC.PRIMARY_KEY_2: ID = ?1"
      }
      String schema = matcher.group(1);
      String stored = matcher.group(2);
      String table = stored.toLowerCase(Locale.ROOT);
      scans.putIfAbsent(table, new QueryPlan.TableScan(table, stored, schema, Double.NaN, null));
    }
    return new ArrayList<>(scans.values());
  }

  @Override
  public long tableRows(Connection connection, QueryPlan.TableScan scan) throws SQLException {
    try (PreparedStatement count = connection.prepareStatement(
        "SELECT ROW_COUNT_ESTIMATE FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = ?"
            + (scan.schema() == null ? "" : " AND TABLE_SCHEMA = ?"))) {
      count.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      count.setString(1, scan.storedName());
      if (scan.schema() != null) {
        count.setString(2, scan.schema());
      }
      try (ResultSet rows = count.executeQuery()) {
        return rows.next() ? rows.getLong(1) : -1;
      }
    }
  }

  /**
   * H2's plans carry no row estimates: the rows one value of the candidate's equality columns matches, from a
   * {@link ValueSample}. NaN for candidates without equality columns (ranges, sorts), which H2 cannot judge.
   */
  @Override
  public double estimateRows(Connection connection, QueryPlan.TableScan scan, IndexCandidate candidate,
      long tableRows) throws SQLException {
    if (candidate.equalityColumns().isEmpty()) {
      return Double.NaN;
    }
    boolean upper = connection.getMetaData().storesUpperCaseIdentifiers();
    return ValueSample.rowsPerValue(connection, qualifiedName(scan), candidate.equalityColumns().stream()
        .map(column -> quote(upper ? column.toUpperCase(Locale.ROOT) : column)).toList(), tableRows);
  }

  @Override
  public String ddl(Connection connection, IndexCandidate candidate) throws SQLException {
    return candidate.ddl(false, connection.getSchema(), connection.getMetaData().storesUpperCaseIdentifiers());
  }
}
