package io.querylens.plan;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The indexes tables have, read through {@link DatabaseMetaData#getIndexInfo} and remembered per database and table
 * for {@value #TTL_MILLIS} ms (an index created meanwhile is seen after that), at most {@value #MAX_TABLES} tables.
 * Used by the index advisor's thread only.
 */
final class IndexCatalog {

  static final long TTL_MILLIS = 60_000;
  static final int MAX_TABLES = 1_000;

  /**
   * One existing index.
   *
   * @param name its name
   * @param columns its keys in order, lower case (an expression index's keys as the catalog prints them)
   */
  record ExistingIndex(String name, List<String> columns) {

    /** Whether its leading keys are {@code leading}, in that order. */
    boolean startsWith(List<String> leading) {
      return columns.size() >= leading.size() && columns.subList(0, leading.size()).equals(leading);
    }
  }

  private record Entry(List<ExistingIndex> indexes, long readMillis) {}

  private final Map<String, Entry> tables = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
      return size() > MAX_TABLES;
    }
  };

  /** The indexes of {@code table} ({@code storedName} in {@code schema}, which may be null) in {@code connection}'s database. */
  List<ExistingIndex> indexes(Connection connection, String database, String schema, String storedName)
      throws SQLException {
    String key = database + '\u0000' + schema + '\u0000' + storedName;
    long now = System.currentTimeMillis();
    Entry known = tables.get(key);
    if (known != null && now - known.readMillis() < TTL_MILLIS) {
      return known.indexes();
    }
    List<ExistingIndex> read = read(connection.getMetaData(), schema, storedName);
    tables.put(key, new Entry(read, now));
    return read;
  }

  private static List<ExistingIndex> read(DatabaseMetaData metaData, String schema, String storedName)
      throws SQLException {
    Map<String, List<String>> columns = new LinkedHashMap<>();
    try (ResultSet rows = metaData.getIndexInfo(null, schema, storedName, false, true)) {
      while (rows.next()) {
        if (rows.getShort("TYPE") == DatabaseMetaData.tableIndexStatistic) {
          continue;
        }
        String name = rows.getString("INDEX_NAME");
        String column = rows.getString("COLUMN_NAME");
        if (name == null || column == null) {
          continue;
        }
        int position = rows.getShort("ORDINAL_POSITION");
        List<String> keys = columns.computeIfAbsent(name, n -> new ArrayList<>());
        while (keys.size() < position) {
          keys.add(null);
        }
        keys.set(Math.max(0, position - 1), unquote(column));
      }
    }
    List<ExistingIndex> indexes = new ArrayList<>();
    columns.forEach((name, keys) -> {
      keys.removeIf(java.util.Objects::isNull);
      indexes.add(new ExistingIndex(name, List.copyOf(keys)));
    });
    return List.copyOf(indexes);
  }

  private static String unquote(String column) {
    String name = column.length() > 1 && column.startsWith("\"") && column.endsWith("\"")
        ? column.substring(1, column.length() - 1) : column;
    return name.toLowerCase(Locale.ROOT);
  }
}
