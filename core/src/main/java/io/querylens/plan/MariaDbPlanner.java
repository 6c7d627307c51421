package io.querylens.plan;

import io.querylens.internal.JsonReader;
import io.querylens.sql.SqlLexer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * MariaDB and MySQL: {@code EXPLAIN FORMAT=JSON}, never {@code ANALYZE}, and only for SELECTs (their EXPLAIN of an
 * UPDATE or DELETE runs nothing either, but querylens does not send writes at all). The two servers' JSON differ
 * (MySQL: {@code rows_examined_per_scan} and a {@code cost_info}; MariaDB 10.x: {@code rows} and no cost; both nest
 * tables in {@code nested_loop} arrays, sorts, subqueries and materializations): a table read by
 * {@code access_type: "ALL"} (or a whole index, {@code "index"}) is a full scan wherever it sits. The plan names a
 * table by its alias; the advisor maps it back through the statement's aliases.
 *
 * <p>Neither server plans a statement with unbound {@code ?}: each bind marker becomes the string {@code '1'} (a
 * string converts to a numeric or temporal column's type, while a number would turn a string column's comparison
 * numeric and hide its index), a LIMIT's {@code 10} and an OFFSET's {@code 0}. No value the application bound is used
 * or kept. The EXPLAIN runs in whatever transaction state the connection is in, which it does not change; on MariaDB
 * with {@code max_statement_time} and {@code lock_wait_timeout} set for that statement only.
 *
 * <p>Neither has hypothetical indexes, so candidates are unverified; the rows a filter on unindexed columns keeps,
 * which neither estimates without a histogram, come from a {@link ValueSample}.
 */
final class MariaDbPlanner implements DatabasePlanner {

  private static final int QUERY_TIMEOUT_SECONDS = 5;
  /** What a LIMIT's bind marker is planned with: a page. An OFFSET's is planned with 0. */
  private static final String LIMIT_VALUE = "10";
  private static final String VALUE = "'1'";

  private final String name;

  /** @param name "MariaDB" or "MySQL" */
  MariaDbPlanner(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean plansWrites() {
    return false;
  }

  @Override
  public String quote(String identifier) {
    return '`' + identifier.replace("`", "``") + '`';
  }

  @Override
  public QueryPlan explain(Connection connection, String sql, boolean bindMarkers) throws SQLException {
    refuseSeveralStatements(sql);
    String explain = "EXPLAIN FORMAT=JSON " + (bindMarkers ? withPlaceholderValues(sql) : sql);
    boolean mariaDb = name.equals("MariaDB");
    if (mariaDb) {
      // Statement-scoped: the session's own settings stay as they are. The driver's query timeout would add a
      // SET STATEMENT of its own, hence none here.
      explain = "SET STATEMENT max_statement_time=" + QUERY_TIMEOUT_SECONDS + ", lock_wait_timeout=1 FOR " + explain;
    }
    try (Statement statement = connection.createStatement()) {
      if (!mariaDb) {
        statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      }
      try (ResultSet rows = statement.executeQuery(explain)) {
        return parse(rows.next() ? rows.getString(1) : "{}");
      }
    }
  }

  /**
   * Defence in depth: the text sent is the application's own statement, and a {@code ;} before its end would make an
   * EXPLAIN of the first and a plain run of the next (on a connection that allows several statements). The statement's
   * shape was parsed as one SELECT; the raw text is checked too.
   */
  static void refuseSeveralStatements(String sql) throws SQLException {
    List<SqlLexer.Token> tokens = SqlLexer.tokenize(sql);
    for (int i = 0; i < tokens.size(); i++) {
      if (tokens.get(i).isPunct(';') && i < tokens.size() - 1) {
        throw new SQLException("not planned: more than one statement");
      }
    }
  }

  /**
   * {@code sql} with its bind markers replaced by values that plan like bound ones (see the class comment); quotes,
   * quoted identifiers and comments are left alone (the markers are {@link SqlLexer}'s).
   */
  static String withPlaceholderValues(String sql) {
    return SqlLexer.rewriteMarkers(sql, (tokens, i, out) -> {
      out.append(valueFor(tokens, i));
      return 1;
    });
  }

  /** The value for the marker at {@code i}: LIMIT's row count, OFFSET's (also {@code LIMIT ?, n}'s first), or '1'. */
  private static String valueFor(List<SqlLexer.Token> tokens, int i) {
    SqlLexer.Token before = i > 0 ? tokens.get(i - 1) : null;
    if (before == null) {
      return VALUE;
    }
    if (before.isWord("offset")) {
      return "0";
    }
    if (before.isWord("limit")) {
      boolean offsetFirst = i + 1 < tokens.size() && tokens.get(i + 1).isPunct(',');
      return offsetFirst ? "0" : LIMIT_VALUE;
    }
    if (before.isPunct(',') && i > 2 && tokens.get(i - 3).isWord("limit")) {
      return LIMIT_VALUE; // LIMIT m, n: n is the row count
    }
    return VALUE;
  }

  /** The plan in MariaDB's or MySQL's {@code EXPLAIN FORMAT=JSON} output. */
  static QueryPlan parse(String json) {
    Object root = JsonReader.read(json);
    if (!(root instanceof Map<?, ?> top) || !(top.get("query_block") instanceof Map<?, ?> block)) {
      throw new IllegalArgumentException("not an EXPLAIN FORMAT=JSON result");
    }
    Map<String, QueryPlan.TableScan> scans = new LinkedHashMap<>();
    collectScans(block, scans, 0);
    return new QueryPlan(cost(block), new ArrayList<>(scans.values()));
  }

  /** MySQL's {@code cost_info.query_cost} (a string), MariaDB 11's {@code cost}; NaN when absent (MariaDB 10). */
  private static double cost(Map<?, ?> block) {
    if (block.get("cost_info") instanceof Map<?, ?> info) {
      return number(info.get("query_cost"));
    }
    return number(block.get("cost"));
  }

  /** Every table object anywhere below {@code node}: in nested loops, sorts, subqueries, unions, materializations. */
  private static void collectScans(Object node, Map<String, QueryPlan.TableScan> scans, int depth) {
    if (depth > 256) {
      return;
    }
    if (node instanceof List<?> list) {
      for (Object each : list) {
        collectScans(each, scans, depth + 1);
      }
      return;
    }
    if (!(node instanceof Map<?, ?> map)) {
      return;
    }
    if (map.get("table_name") instanceof String table
        && ("ALL".equals(map.get("access_type")) || "index".equals(map.get("access_type")))) {
      scans.putIfAbsent(table, new QueryPlan.TableScan(table.toLowerCase(Locale.ROOT), table, null,
          rowsAfterFilter(map), map.get("attached_condition") instanceof String condition ? condition : null));
    }
    for (Object child : map.values()) {
      if (child instanceof Map<?, ?> || child instanceof List<?>) {
        collectScans(child, scans, depth + 1);
      }
    }
  }

  /** The rows read ({@code rows} on MariaDB, {@code rows_examined_per_scan} on MySQL) times the share kept. */
  private static double rowsAfterFilter(Map<?, ?> table) {
    double rows = number(table.containsKey("rows") ? table.get("rows") : table.get("rows_examined_per_scan"));
    double filtered = number(table.get("filtered"));
    return Double.isNaN(filtered) ? rows : rows * filtered / 100;
  }

  /** A JSON number, or a number MySQL prints as a string ("10.00"); NaN otherwise. */
  private static double number(Object value) {
    if (value instanceof Number number) {
      return number.doubleValue();
    }
    if (value instanceof String text) {
      try {
        return Double.parseDouble(text);
      } catch (NumberFormatException notANumber) {
        return Double.NaN;
      }
    }
    return Double.NaN;
  }

  /** {@code information_schema.tables.table_rows}: InnoDB's estimate from its statistics (a few percent off). */
  @Override
  public long tableRows(Connection connection, QueryPlan.TableScan scan) throws SQLException {
    String rows = tableInfo(connection, scan.storedName(), "table_rows");
    return rows == null ? -1 : Long.parseLong(rows);
  }

  /** A column of the table's row in {@code information_schema.tables}, in the connection's database; or null. */
  private static String tableInfo(Connection connection, String table, String column) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT " + column
        + " FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?")) {
      query.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      query.setString(1, table);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      }
    }
  }

  /**
   * The rows one value of the candidate's equality columns matches, from a {@link ValueSample} (without a histogram
   * both servers assume a filter on an unindexed column keeps every row); the planner's estimate for other candidates.
   */
  @Override
  public double estimateRows(Connection connection, QueryPlan.TableScan scan, IndexCandidate candidate,
      long tableRows) throws SQLException {
    if (candidate.equalityColumns().isEmpty()) {
      return scan.rows();
    }
    return ValueSample.rowsPerValue(connection, qualifiedName(scan),
        candidate.equalityColumns().stream().map(this::quote).toList(), tableRows);
  }

  /**
   * {@code CREATE INDEX}, names quoted with backticks where they need it; on an InnoDB table with
   * {@code ALGORITHM=INPLACE LOCK=NONE}, which builds it without blocking writes, or fails at once rather than copy
   * or lock the table.
   */
  @Override
  public String ddl(Connection connection, IndexCandidate candidate) throws SQLException {
    String ddl = candidate.ddl(false, null, false, '`');
    String engine = tableInfo(connection, candidate.storedName(), "engine");
    return "InnoDB".equalsIgnoreCase(engine) ? ddl + " ALGORITHM=INPLACE LOCK=NONE" : ddl;
  }
}
