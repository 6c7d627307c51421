package io.querylens.plan;

import java.util.List;

/**
 * What a database's planner said about one statement, reduced to what index advice needs.
 *
 * @param totalCost the planner's estimated cost of the whole statement, or {@code NaN} when the database does not say
 *     (H2)
 * @param scans the tables it reads by a full (sequential) scan, each once
 */
public record QueryPlan(double totalCost, List<TableScan> scans) {

  public QueryPlan {
    scans = List.copyOf(scans);
  }

  /**
   * One table read from start to end.
   *
   * @param table its name, lower case, unquoted, without schema
   * @param storedName its name as the catalog stores it (upper case on H2)
   * @param schema its schema as the catalog stores it, or null when the plan does not say
   * @param rows the rows the planner expects the scan to return after its filter, or {@code NaN} when unknown
   * @param filter the scan's filter as the planner prints it, or null
   */
  public record TableScan(String table, String storedName, String schema, double rows, String filter) {}
}
