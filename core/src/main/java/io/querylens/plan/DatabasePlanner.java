package io.querylens.plan;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/**
 * How to ask one kind of database for a plan without running the statement, how big its tables are, and whether a
 * hypothetical index would help. One implementation per database; {@link #of} picks it from the driver's metadata.
 * Runs on the index advisor's thread, on a connection of its own that it leaves as it found it.
 */
interface DatabasePlanner {

  /** The planner for {@code connection}'s database, or null when querylens cannot plan for it. */
  static DatabasePlanner of(Connection connection) throws SQLException {
    String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
    if (product.contains("postgresql")) {
      return new PostgresPlanner(connection.getMetaData().getDatabaseMajorVersion());
    }
    if (product.equals("h2")) {
      return new H2Planner();
    }
    if (product.contains("mariadb") || product.contains("mysql")) {
      return new MariaDbPlanner(product.contains("mariadb") ? "MariaDB" : "MySQL");
    }
    return null;
  }

  /** {@code identifier} quoted as this database quotes (double quotes by default), for SQL querylens builds itself. */
  default String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  /** The scanned table's name for SQL querylens builds itself: quoted as stored, schema-qualified when known. */
  default String qualifiedName(QueryPlan.TableScan scan) {
    return (scan.schema() == null ? "" : quote(scan.schema()) + ".") + quote(scan.storedName());
  }

  /** Whether the database indexes expressions ({@code lower(email)}); false by default. */
  default boolean indexesExpressions() {
    return false;
  }

  /**
   * Whether UPDATE and DELETE statements are planned too (their EXPLAIN runs nothing); false leaves them alone, only
   * SELECTs are planned.
   */
  default boolean plansWrites() {
    return true;
  }

  /** The database's name for messages. */
  String name();

  /**
   * Plans {@code sql} without executing it. Never changes the connection's transaction state.
   *
   * @param bindMarkers whether its {@code ?} are bind markers (left unbound) rather than operators
   */
  QueryPlan explain(Connection connection, String sql, boolean bindMarkers) throws SQLException;

  /** The rows in a table, as the database estimates them, or -1 when it cannot tell. */
  long tableRows(Connection connection, QueryPlan.TableScan scan) throws SQLException;

  /**
   * The rows {@code scan} returns, estimated for judging whether {@code candidate} is selective enough to pay without
   * a hypothetical index, or {@code NaN} when the database cannot tell. The planner's own estimate by default.
   */
  default double estimateRows(Connection connection, QueryPlan.TableScan scan, IndexCandidate candidate,
      long tableRows) throws SQLException {
    return scan.rows();
  }

  /**
   * Whether {@link #costWith} can test an index without building it (PostgreSQL with the HypoPG extension); false by
   * default.
   */
  default boolean canTestHypothetically(Connection connection) throws SQLException {
    return false;
  }

  /** The planner's cost of {@code sql} were {@code candidate} built, or {@code NaN} when it cannot tell (default). */
  default double costWith(Connection connection, IndexCandidate candidate, String sql, boolean bindMarkers)
      throws SQLException {
    return Double.NaN;
  }

  /** The {@code CREATE INDEX} statement for {@code candidate} in this database's dialect. */
  String ddl(Connection connection, IndexCandidate candidate) throws SQLException;
}
