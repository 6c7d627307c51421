package io.querylens.plan;

import io.querylens.sql.SqlLexer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * An index that would serve a statement: on one table, its columns in the order that serves it best (equality
 * columns, then one range column, then the sort columns).
 *
 * @param table the table, lower case
 * @param storedName the table's name as the catalog stores it
 * @param schema the schema as the catalog stores it, or null
 * @param columns the index's columns, in order
 * @param filterColumns the columns the statement filters or joins on (what {@code columns} has before its sort keys);
 *     empty when the index only serves its ORDER BY
 * @param equalityColumns those of them compared for equality (or joined on): the index's leading columns
 */
public record IndexCandidate(
    String table, String storedName, String schema, List<IndexColumn> columns, List<String> filterColumns,
    List<String> equalityColumns) {

  private static final int MAX_NAME = 63;

  public IndexCandidate {
    columns = List.copyOf(columns);
    filterColumns = List.copyOf(filterColumns);
    equalityColumns = List.copyOf(equalityColumns);
  }

  /**
   * One key of the index.
   *
   * @param name lower-case column name
   * @param descending true to order it descending (an ORDER BY ... DESC it serves)
   * @param function the function the key applies to the column ({@code lower}: an expression index), or null
   * @param prefixPattern true when it serves a {@code LIKE 'abc%'}: on PostgreSQL, unless the column's collation is
   *     "C", that takes a pattern operator class
   * @param operatorClass the operator class written after the column ({@code text_pattern_ops}), or null
   */
  public record IndexColumn(
      String name, boolean descending, String function, boolean prefixPattern, String operatorClass) {

    /** A plain key. */
    public IndexColumn(String name, boolean descending) {
      this(name, descending, null, false, null);
    }

    /** This key with {@code operatorClass} written after it. */
    public IndexColumn withOperatorClass(String operatorClass) {
      return new IndexColumn(name, descending, function, prefixPattern, operatorClass);
    }

    /** The key as the statement filters on it: {@code email}, or {@code lower(email)}. */
    public String key() {
      return function == null ? name : function + "(" + name + ")";
    }
  }

  /** This candidate with other keys (the same columns, say, with operator classes). */
  public IndexCandidate withColumns(List<IndexColumn> keys) {
    return new IndexCandidate(table, storedName, schema, keys, filterColumns, equalityColumns);
  }

  /** The keys, in index order: column names, or expressions like {@code lower(email)}. */
  public List<String> columnNames() {
    return columns.stream().map(IndexColumn::key).toList();
  }

  /**
   * A stable, readable name: {@code idx_<table>_<columns>}, within PostgreSQL's 63 characters (a long one ends with a
   * hash of the full name, so two long names stay apart).
   */
  public String indexName() {
    String full = "idx_" + table + "_" + String.join("_", columns.stream()
        .map(column -> column.function() == null ? column.name() : column.function() + "_" + column.name()).toList());
    String clean = full.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    if (clean.length() <= MAX_NAME) {
      return clean;
    }
    CRC32 crc = new CRC32();
    crc.update(clean.getBytes(StandardCharsets.UTF_8));
    String hash = String.format("%08x", crc.getValue());
    return clean.substring(0, MAX_NAME - hash.length() - 1) + "_" + hash;
  }

  /**
   * The {@code CREATE INDEX} statement, ready to paste.
   *
   * @param concurrently add {@code CONCURRENTLY} (PostgreSQL: builds without blocking writes)
   * @param defaultSchema the schema tables are found in without naming it (left unqualified); null: never qualify;
   *     "": always qualify when the schema is known
   * @param foldsToUpper whether the database stores unquoted names in upper case (H2): then a name stored in upper
   *     case is written unquoted in lower case, else the stored name is written (quoted when it needs to be)
   */
  public String ddl(boolean concurrently, String defaultSchema, boolean foldsToUpper) {
    return ddl(concurrently, defaultSchema, foldsToUpper, '"');
  }

  /**
   * The {@code CREATE INDEX} statement, as {@link #ddl(boolean, String, boolean)}, its names quoted (where they need
   * it) with {@code quote}: {@code '"'}, or {@code '`'} on MariaDB and MySQL.
   */
  public String ddl(boolean concurrently, String defaultSchema, boolean foldsToUpper, char quote) {
    StringBuilder ddl = new StringBuilder("CREATE INDEX ");
    if (concurrently) {
      ddl.append("CONCURRENTLY ");
    }
    ddl.append(indexName()).append(" ON ");
    if (schema != null && defaultSchema != null && !schema.equalsIgnoreCase(defaultSchema)) {
      ddl.append(name(schema, foldsToUpper, quote)).append('.');
    }
    ddl.append(name(storedName, foldsToUpper, quote)).append(" (");
    for (int i = 0; i < columns.size(); i++) {
      if (i > 0) {
        ddl.append(", ");
      }
      IndexColumn column = columns.get(i);
      ddl.append(column.function() == null ? identifier(column.name(), quote)
          : column.function() + "(" + identifier(column.name(), quote) + ")");
      if (column.operatorClass() != null) {
        ddl.append(' ').append(column.operatorClass());
      }
      if (column.descending()) {
        ddl.append(" DESC");
      }
    }
    return ddl.append(')').toString();
  }

  private static String name(String stored, boolean foldsToUpper, char quote) {
    return foldsToUpper && stored.equals(stored.toUpperCase(Locale.ROOT))
        ? identifier(stored.toLowerCase(Locale.ROOT), quote) : identifier(stored, quote);
  }

  /**
   * Words reserved in PostgreSQL or MySQL/MariaDB that are also plausible table or column names, beyond the lexer's
   * keywords: quoted in DDL (quoting a lower-case name that needs none is harmless, leaving a reserved one bare is a
   * syntax error in the DDL a user copies).
   */
  private static final java.util.Set<String> RESERVED_NAMES = java.util.Set.of("user", "desc", "asc", "index",
      "range", "rows", "rank", "check", "interval", "key", "keys", "column", "table", "default", "references",
      "primary", "unique", "constraint", "grant", "analyze", "analyse", "current_user", "session_user", "window",
      "over", "partition", "condition", "usage", "value", "values", "to", "do", "both", "leading", "trailing", "fetch",
      "read", "release", "schema", "database", "div", "mod", "change", "match", "option", "load", "lock", "long",
      "signal", "sql", "return", "order", "group", "limit", "offset", "by", "all", "any", "some");

  /** {@code name} as SQL: bare when it is a plain lower-case identifier and no keyword, else quoted with {@code quote}. */
  static String identifier(String name, char quote) {
    String doubled = String.valueOf(quote) + quote;
    boolean bare = name.matches("[a-z_][a-z0-9_$]*") && !SqlLexer.isKeyword(name) && !RESERVED_NAMES.contains(name);
    return bare ? name : quote + name.replace(String.valueOf(quote), doubled) + quote;
  }
}
