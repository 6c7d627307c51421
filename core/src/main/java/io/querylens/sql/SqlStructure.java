package io.querylens.sql;

import java.util.List;
import java.util.Map;

/**
 * What a statement shape reads and how, as far as {@link SqlAnalyzer} could tell. Names are lower case, unquoted, with
 * schema and catalog dropped. Built once per shape, off the application thread.
 *
 * @param kind what the statement does
 * @param tables every table the statement touches, in order of first appearance, distinct
 * @param predicates column predicates from WHERE (and HAVING) clauses, in order of appearance
 * @param joinColumns columns compared in JOIN ... ON conditions
 * @param orderBy ORDER BY keys that are plain columns
 * @param selectStar true when a select list has {@code *} or {@code t.*}
 * @param outerSelectStar true when the outermost select list does (not a subquery's, like {@code exists (select *
 *     ...)}): the columns returned to the application
 * @param limit the row limit (LIMIT, FETCH FIRST, TOP), {@link Bound#NONE} when absent
 * @param offset the OFFSET (also MySQL's {@code LIMIT m, n}), {@link Bound#NONE} when absent
 * @param crossJoin true when two tables are joined without a join condition
 * @param tableAliases the table each alias names ({@code o1_0 -> orders}), for plans that print aliases (MariaDB,
 *     MySQL); an alias naming different tables at different query levels is left out
 * @param parsed true when JSqlParser understood the statement; false means the tables are the lexer's best guess and
 *     the other lists are empty
 * @param problem why parsing failed (one line), or null
 */
public record SqlStructure(
    StatementKind kind,
    List<String> tables,
    List<Predicate> predicates,
    List<ColumnRef> joinColumns,
    List<SortKey> orderBy,
    boolean selectStar,
    boolean outerSelectStar,
    Bound limit,
    Bound offset,
    boolean crossJoin,
    Map<String, String> tableAliases,
    boolean parsed,
    String problem) {

  public SqlStructure {
    tables = List.copyOf(tables);
    predicates = List.copyOf(predicates);
    joinColumns = List.copyOf(joinColumns);
    orderBy = List.copyOf(orderBy);
    tableAliases = Map.copyOf(tableAliases);
  }

  /** The table {@code nameOrAlias} names in this statement (lower case), or null when it names none. */
  public String tableNamed(String nameOrAlias) {
    return tables.contains(nameOrAlias) ? nameOrAlias : tableAliases.get(nameOrAlias);
  }

  /** The distinct names of the columns filtered on, in order of appearance. */
  public List<String> filterColumns() {
    return predicates.stream().map(p -> p.column().column()).distinct().toList();
  }

  /**
   * A column, with the table it belongs to when that is known (resolved from an alias, or the only table).
   *
   * @param table lower-case table name, or null when it cannot be told
   * @param column lower-case column name
   */
  public record ColumnRef(String table, String column) {}

  /** How a predicate compares its column. */
  public enum Operator {
    /** {@code =}, {@code IS NULL}, {@code IN (single value)}. */
    EQUALITY,
    /** {@code <, <=, >, >=, BETWEEN}. */
    RANGE,
    /** {@code IN (...)} with several values, {@code = ANY(?)}. */
    IN,
    /** {@code LIKE}, {@code ILIKE}. */
    LIKE,
    /** Anything else ({@code <>}, {@code IS NOT NULL}, full-text, ...). */
    OTHER
  }

  /**
   * One column compared in a WHERE/HAVING clause.
   *
   * @param column the column
   * @param operator how it is compared
   * @param wrappedInFunction true when the column sits inside a function or cast ({@code lower(email) = ?}), which
   *     keeps a plain index on it from being used
   * @param leadingWildcard true for {@code LIKE '%...'} (only visible on raw SQL; shapes have {@code ?})
   */
  public record Predicate(ColumnRef column, Operator operator, boolean wrappedInFunction, boolean leadingWildcard) {}

  /**
   * An ORDER BY key.
   *
   * @param column the column
   * @param descending true for DESC
   */
  public record SortKey(ColumnRef column, boolean descending) {}

  /**
   * A LIMIT or OFFSET value.
   *
   * @param kind absent, a literal, or a bind marker
   * @param value the literal value when {@code kind == LITERAL}
   * @param parameterIndex the 0-based position of the bind marker among the statement's {@code ?} markers when
   *     {@code kind == PARAMETER}, else -1
   */
  public record Bound(Kind kind, long value, int parameterIndex) {
    public static final Bound NONE = new Bound(Kind.NONE, 0, -1);

    public static Bound literal(long value) {
      return new Bound(Kind.LITERAL, value, -1);
    }

    public static Bound parameter(int index) {
      return new Bound(Kind.PARAMETER, 0, index);
    }

    public boolean present() {
      return kind != Kind.NONE;
    }

    /** Whether there is a bound and of which sort. */
    public enum Kind {
      NONE,
      LITERAL,
      PARAMETER
    }
  }
}
