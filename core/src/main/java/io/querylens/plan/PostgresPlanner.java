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
import java.util.Map;

/**
 * PostgreSQL: {@code EXPLAIN (FORMAT JSON, VERBOSE)}, never {@code ANALYZE}, so the statement is planned, not run.
 * A statement with bind markers gets the generic plan, the one for any values: {@code GENERIC_PLAN} from PostgreSQL
 * 16; before that, the statement is prepared and explained with {@code plan_cache_mode = force_generic_plan} and null
 * arguments (no value the application bound is needed or kept). Everything runs in a transaction that is rolled back,
 * with short statement and lock timeouts, and the connection's auto-commit is restored. With the HypoPG extension
 * installed, a candidate index is created hypothetically (in this session only) and the plan's cost compared.
 */
final class PostgresPlanner implements DatabasePlanner {

  private static final String PREPARED_NAME = "querylens_explain";
  private static final int QUERY_TIMEOUT_SECONDS = 5;

  private final int majorVersion;
  /** Whether this session holds the prepared statement, and which hypothetical index, to drop after the rollback. */
  private boolean prepared;
  private long hypotheticalIndex;

  PostgresPlanner(int majorVersion) {
    this.majorVersion = majorVersion;
  }

  @Override
  public String name() {
    return "PostgreSQL";
  }

  @Override
  public boolean indexesExpressions() {
    return true;
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Statement statement) throws SQLException;
  }

  /**
   * Runs {@code work} in a transaction rolled back afterwards, leaving auto-commit as it was. A prepared statement or
   * hypothetical index it made is dropped after the rollback (neither is transactional), each step tried whatever
   * became of the one before.
   */
  private <T> T rolledBack(Connection connection, Work<T> work) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    if (autoCommit) {
      connection.setAutoCommit(false);
    }
    T result;
    try (Statement statement = connection.createStatement()) {
      statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      statement.execute("SET LOCAL statement_timeout = '5s'");
      statement.execute("SET LOCAL lock_timeout = '1s'");
      result = work.run(statement);
    } catch (SQLException | RuntimeException failed) {
      SQLException cleanUp = restore(connection, autoCommit);
      if (cleanUp != null) {
        failed.addSuppressed(cleanUp);
      }
      throw failed;
    }
    SQLException cleanUp = restore(connection, autoCommit);
    if (cleanUp != null) {
      // The connection may not be as it was: the caller closes it, and a pool checks it on return.
      throw cleanUp;
    }
    return result;
  }

  /** Rolls back, drops what is not transactional, restores auto-commit; each step whatever became of the others. */
  private SQLException restore(Connection connection, boolean autoCommit) {
    SQLException failure = attempt(null, connection::rollback);
    if (prepared) {
      prepared = false;
      failure = attempt(failure, () -> run(connection, "DEALLOCATE " + PREPARED_NAME));
    }
    if (hypotheticalIndex != 0) {
      long index = hypotheticalIndex;
      hypotheticalIndex = 0;
      failure = attempt(failure, () -> run(connection, "SELECT hypopg_drop_index(" + index + ")"));
    }
    failure = attempt(failure, connection::rollback);
    if (autoCommit) {
      failure = attempt(failure, () -> connection.setAutoCommit(true));
    }
    return failure;
  }

  @FunctionalInterface
  private interface Step {
    void run() throws SQLException;
  }

  private static SQLException attempt(SQLException earlier, Step step) {
    try {
      step.run();
      return earlier;
    } catch (SQLException failed) {
      if (earlier != null) {
        earlier.addSuppressed(failed);
        return earlier;
      }
      return failed;
    }
  }

  private static void run(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      statement.execute(sql);
    }
  }

  @Override
  public QueryPlan explain(Connection connection, String sql, boolean bindMarkers) throws SQLException {
    return rolledBack(connection, statement -> plan(statement, sql, bindMarkers));
  }

  /** Plans {@code sql} inside the caller's transaction. */
  private QueryPlan plan(Statement statement, String sql, boolean bindMarkers) throws SQLException {
    Numbered numbered = bindMarkers ? number(sql) : new Numbered(sql, 0);
    if (numbered.markers() == 0) {
      return read(statement, "EXPLAIN (FORMAT JSON, VERBOSE) " + numbered.sql());
    }
    if (majorVersion >= 16) {
      return read(statement, "EXPLAIN (FORMAT JSON, VERBOSE, GENERIC_PLAN) " + numbered.sql());
    }
    statement.execute("SET LOCAL plan_cache_mode = force_generic_plan");
    if (prepared) {
      statement.execute("DEALLOCATE " + PREPARED_NAME);
      prepared = false;
    }
    statement.execute("PREPARE " + PREPARED_NAME + " AS " + numbered.sql());
    prepared = true;
    StringBuilder nulls = new StringBuilder();
    for (int i = 0; i < numbered.markers(); i++) {
      nulls.append(i == 0 ? "NULL" : ", NULL");
    }
    return read(statement, "EXPLAIN (FORMAT JSON, VERBOSE) EXECUTE " + PREPARED_NAME + "(" + nulls + ")");
  }

  private static QueryPlan read(Statement statement, String explain) throws SQLException {
    String json;
    try (ResultSet rows = statement.executeQuery(explain)) {
      json = rows.next() ? rows.getString(1) : "[]";
    }
    return parse(json);
  }

  /** The plan in PostgreSQL's JSON explain output. */
  static QueryPlan parse(String json) {
    Object root = JsonReader.read(json);
    if (!(root instanceof List<?> list) || list.isEmpty() || !(list.get(0) instanceof Map<?, ?> top)
        || !(top.get("Plan") instanceof Map<?, ?> plan)) {
      throw new IllegalArgumentException("not an EXPLAIN (FORMAT JSON) result");
    }
    Map<String, QueryPlan.TableScan> scans = new LinkedHashMap<>();
    collectScans(plan, scans, 0);
    return new QueryPlan(number(plan.get("Total Cost")), new ArrayList<>(scans.values()));
  }

  private static void collectScans(Map<?, ?> node, Map<String, QueryPlan.TableScan> scans, int depth) {
    if (depth > 256) {
      return;
    }
    Object type = node.get("Node Type");
    if (("Seq Scan".equals(type) || "Parallel Seq Scan".equals(type))
        && node.get("Relation Name") instanceof String relation) {
      String schema = node.get("Schema") instanceof String named ? named : null;
      Object filter = node.get("Filter");
      scans.putIfAbsent(relation, new QueryPlan.TableScan(relation.toLowerCase(java.util.Locale.ROOT), relation,
          schema, number(node.get("Plan Rows")), filter instanceof String text ? text : null));
    }
    if (node.get("Plans") instanceof List<?> children) {
      for (Object child : children) {
        if (child instanceof Map<?, ?> map) {
          collectScans(map, scans, depth + 1);
        }
      }
    }
  }

  private static double number(Object value) {
    return value instanceof Number number ? number.doubleValue() : Double.NaN;
  }

  @Override
  public long tableRows(Connection connection, QueryPlan.TableScan scan) throws SQLException {
    String sql = "SELECT c.reltuples::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        + "WHERE c.relname = ?" + (scan.schema() == null ? " AND pg_table_is_visible(c.oid)" : " AND n.nspname = ?");
    long rows = -1;
    try (PreparedStatement count = connection.prepareStatement(sql)) {
      count.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      count.setString(1, scan.storedName());
      if (scan.schema() != null) {
        count.setString(2, scan.schema());
      }
      try (ResultSet result = count.executeQuery()) {
        if (result.next()) {
          rows = result.getLong(1);
        }
      }
    }
    if (rows >= 0) {
      return rows;
    }
    // Never analysed (reltuples = -1): the planner's own estimate from the table's size on disk.
    String table = qualifiedName(scan);
    QueryPlan whole = explain(connection, "SELECT 1 FROM " + table, false);
    return whole.scans().isEmpty() || Double.isNaN(whole.scans().get(0).rows()) ? -1
        : (long) whole.scans().get(0).rows();
  }

  @Override
  public boolean canTestHypothetically(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      try (ResultSet rows = statement.executeQuery("SELECT 1 FROM pg_extension WHERE extname = 'hypopg'")) {
        return rows.next();
      }
    } finally {
      if (!connection.getAutoCommit()) {
        connection.rollback();
      }
    }
  }

  @Override
  public double costWith(Connection connection, IndexCandidate candidate, String sql, boolean bindMarkers)
      throws SQLException {
    return rolledBack(connection, statement -> {
      try (PreparedStatement create = connection.prepareStatement("SELECT indexrelid FROM hypopg_create_index(?)")) {
        create.setString(1, withPatternOperatorClasses(connection, candidate).ddl(false, "", false));
        try (ResultSet created = create.executeQuery()) {
          if (created.next()) {
            hypotheticalIndex = created.getLong(1);
          }
        }
      }
      return plan(statement, sql, bindMarkers).totalCost();
    });
  }

  @Override
  public String ddl(Connection connection, IndexCandidate candidate) throws SQLException {
    return withPatternOperatorClasses(connection, candidate).ddl(true, connection.getSchema(), false);
  }

  /**
   * {@code candidate} with a pattern operator class on each key that serves a {@code LIKE 'abc%'}
   * ({@code text_pattern_ops}, {@code varchar_pattern_ops}, {@code bpchar_pattern_ops} by the column's type): a
   * plain B-tree key serves LIKE only under the "C" (or "POSIX") collation, whose order is the bytes' order.
   */
  private IndexCandidate withPatternOperatorClasses(Connection connection, IndexCandidate candidate)
      throws SQLException {
    if (candidate.columns().stream().noneMatch(IndexCandidate.IndexColumn::prefixPattern)) {
      return candidate;
    }
    List<IndexCandidate.IndexColumn> keys = new ArrayList<>();
    for (IndexCandidate.IndexColumn key : candidate.columns()) {
      keys.add(key.prefixPattern() ? key.withOperatorClass(patternOperatorClass(connection, candidate, key.name()))
          : key);
    }
    return candidate.withColumns(keys);
  }

  /** The pattern operator class {@code column} needs, or null (a "C" collation, or not a character type). */
  private String patternOperatorClass(Connection connection, IndexCandidate candidate, String column)
      throws SQLException {
    // The database's default collation is libc's datcollate, or an ICU locale (PostgreSQL 15's datlocprovider 'i').
    String defaultCollation = majorVersion >= 15
        ? "CASE WHEN d.datlocprovider = 'c' THEN d.datcollate END" : "d.datcollate";
    String sql = "SELECT t.typname, CASE WHEN co.collname = 'default' THEN " + defaultCollation
        + " WHEN co.collprovider = 'c' THEN co.collcollate END FROM pg_attribute a"
        + " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_collation co ON co.oid = a.attcollation"
        + " JOIN pg_database d ON d.datname = current_database() WHERE c.relname = ? AND a.attname = ?"
        + (candidate.schema() == null ? " AND pg_table_is_visible(c.oid)" : " AND n.nspname = ?");
    try (PreparedStatement query = connection.prepareStatement(sql)) {
      query.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      query.setString(1, candidate.storedName());
      query.setString(2, column);
      if (candidate.schema() != null) {
        query.setString(3, candidate.schema());
      }
      try (ResultSet rows = query.executeQuery()) {
        if (!rows.next() || "C".equals(rows.getString(2)) || "POSIX".equals(rows.getString(2))) {
          return null;
        }
        return switch (rows.getString(1)) {
          case "text" -> "text_pattern_ops";
          case "varchar" -> "varchar_pattern_ops";
          case "bpchar" -> "bpchar_pattern_ops";
          default -> null;
        };
      }
    }
  }


  /**
   * {@code sql} with its JDBC bind markers numbered ({@code ?} becomes {@code $1}, {@code $2}, ...) and the JDBC escape
   * {@code ??} turned back into PostgreSQL's {@code ?} operator; quotes, quoted identifiers, dollar quotes and comments
   * are left alone (the markers are {@link SqlLexer}'s).
   */
  record Numbered(String sql, int markers) {}

  static Numbered number(String sql) {
    int[] markers = {0};
    String numbered = SqlLexer.rewriteMarkers(sql, (tokens, i, out) -> {
      SqlLexer.Token next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
      if (next != null && next.type() == SqlLexer.Type.MARKER && next.start() == tokens.get(i).start() + 1) {
        out.append('?'); // ??: the JDBC escape of PostgreSQL's ? operator
        return 2;
      }
      out.append('$').append(++markers[0]);
      return 1;
    });
    return new Numbered(numbered, markers[0]);
  }
}
