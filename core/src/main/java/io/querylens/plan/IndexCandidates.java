package io.querylens.plan;

import io.querylens.plan.IndexCandidate.IndexColumn;
import io.querylens.plan.IndexCatalog.ExistingIndex;
import io.querylens.sql.SqlStructure;
import io.querylens.sql.SqlStructure.ColumnRef;
import io.querylens.sql.SqlStructure.Operator;
import io.querylens.sql.SqlStructure.Predicate;
import io.querylens.sql.SqlStructure.SortKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses the index a fully scanned table lacks, from what the statement does with the table's columns: equality
 * columns first ({@code =}, {@code IN}, join conditions), then one range column ({@code <}, {@code BETWEEN}), then the
 * ORDER BY columns when they all belong to the table and no range column stands before them in another order. A
 * column wrapped in a function, or compared with LIKE to anything but a literal with a fixed prefix, is no key for a
 * plain index and is left out. Pure logic: no database.
 */
final class IndexCandidates {

  private IndexCandidates() {}

  /**
   * What {@link #choose} decided.
   *
   * @param candidate the index to suggest, or null
   * @param coveredBy an existing index that already leads with the candidate's columns (so it is not missing, the
   *     planner chose not to use it), or null
   * @param defeated predicates on this table that keep an index from being used, one line each ("email is wrapped in
   *     a function")
   */
  record Choice(IndexCandidate candidate, ExistingIndex coveredBy, List<String> defeated) {}

  /**
   * What the SQL that ran says beyond its shape (whose literals are gone).
   *
   * @param prefixPatterns columns compared with {@code LIKE 'abc%'}: range keys, the index serving the fixed prefix
   * @param expressions columns compared through a function an expression index can hold, and that function
   *     ({@code email -> lower}); empty where the database has no expression indexes
   */
  record Hints(Set<String> prefixPatterns, Map<String, String> expressions) {
    static final Hints NONE = new Hints(Set.of(), Map.of());
  }

  static Choice choose(SqlStructure structure, QueryPlan.TableScan scan, List<ExistingIndex> existing) {
    return choose(structure, scan, existing, Hints.NONE);
  }

  /**
   * As {@link #choose(SqlStructure, QueryPlan.TableScan, List)}, with what {@code hints} say: a column compared with
   * a fixed-prefix LIKE pattern is a range key, and a column wrapped in an indexable function is an expression key
   * when no existing index leads with the column (one that does is reported as defeated instead).
   */
  static Choice choose(SqlStructure structure, QueryPlan.TableScan scan, List<ExistingIndex> existing, Hints hints) {
    String table = scan.table();
    boolean onlyTable = structure.tables().size() == 1;
    List<String> equality = new ArrayList<>();
    List<String> range = new ArrayList<>();
    List<String> defeated = new ArrayList<>();
    List<String> prefix = new ArrayList<>();
    Map<String, String> functions = new HashMap<>();
    for (Predicate predicate : structure.predicates()) {
      if (!belongs(predicate.column(), table, onlyTable)) {
        continue;
      }
      String column = predicate.column().column();
      if (predicate.wrappedInFunction()) {
        String function = hints.expressions().get(column);
        if (function == null || leadingIndex(existing, column) != null || predicate.operator() == Operator.LIKE
            || predicate.operator() == Operator.OTHER) {
          addDistinct(defeated, column + " is wrapped in a function or cast");
          continue;
        }
        functions.put(column, function);
      }
      if (predicate.operator() == Operator.EQUALITY || predicate.operator() == Operator.IN) {
        addDistinct(equality, column);
      } else if (predicate.operator() == Operator.RANGE) {
        addDistinct(range, column);
      } else if (predicate.operator() == Operator.LIKE && predicate.leadingWildcard()) {
        addDistinct(defeated, column + " is compared with LIKE '%...' (a leading wildcard)");
      } else if (predicate.operator() == Operator.LIKE && hints.prefixPatterns().contains(column)) {
        addDistinct(range, column);
        addDistinct(prefix, column);
      }
    }
    for (ColumnRef join : structure.joinColumns()) {
      if (belongs(join, table, onlyTable)) {
        addDistinct(equality, join.column());
      }
    }
    range.removeAll(equality);
    List<IndexColumn> columns = new ArrayList<>();
    equality.forEach(column -> columns.add(new IndexColumn(column, false, functions.get(column), false, null)));
    List<String> filterColumns = new ArrayList<>(equality);
    String rangeColumn = range.isEmpty() ? null : range.get(0);
    List<SortKey> sort = sortKeys(structure, table, onlyTable);
    if (rangeColumn != null) {
      filterColumns.add(rangeColumn);
      boolean sortStartsWithRange = !sort.isEmpty() && sort.get(0).column().column().equals(rangeColumn);
      columns.add(new IndexColumn(rangeColumn, sortStartsWithRange && sort.get(0).descending(),
          functions.get(rangeColumn), prefix.contains(rangeColumn), null));
      if (sortStartsWithRange) {
        addSortKeys(columns, sort.subList(1, sort.size()));
      }
    } else {
      addSortKeys(columns, sort);
    }
    if (columns.isEmpty()) {
      return new Choice(null, null, List.copyOf(defeated));
    }
    IndexCandidate candidate = new IndexCandidate(table, scan.storedName(), scan.schema(), columns,
        filterColumns, equality);
    return new Choice(candidate, leadingIndex(existing, columns.get(0).name()), List.copyOf(defeated));
  }

  /** The first existing index that leads with {@code column}, or null. */
  private static ExistingIndex leadingIndex(List<ExistingIndex> existing, String column) {
    for (ExistingIndex index : existing) {
      if (!index.columns().isEmpty() && index.columns().get(0).equals(column)) {
        return index;
      }
    }
    return null;
  }

  private static List<SortKey> sortKeys(SqlStructure structure, String table, boolean onlyTable) {
    for (SortKey key : structure.orderBy()) {
      if (!belongs(key.column(), table, onlyTable)) {
        return List.of();
      }
    }
    return structure.orderBy();
  }

  private static void addSortKeys(List<IndexColumn> columns, List<SortKey> keys) {
    for (SortKey key : keys) {
      String name = key.column().column();
      if (columns.stream().noneMatch(column -> column.name().equals(name))) {
        columns.add(new IndexColumn(name, key.descending()));
      }
    }
  }

  private static boolean belongs(ColumnRef column, String table, boolean onlyTable) {
    return column.table() == null ? onlyTable : column.table().equals(table);
  }

  private static void addDistinct(List<String> list, String value) {
    if (!list.contains(value)) {
      list.add(value);
    }
  }
}
