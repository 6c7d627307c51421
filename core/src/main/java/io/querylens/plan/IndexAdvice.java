package io.querylens.plan;

import java.util.List;

/**
 * What the index advisor concluded for one fully scanned table of one statement shape.
 *
 * @param database the database's name ("PostgreSQL", "H2")
 * @param table the table, lower case
 * @param tableRows the rows in it, as the database estimates them
 * @param scanRows the rows the planner expects the scan to return after its filter, or {@code NaN} when unknown
 * @param candidate the index to create, or null when an existing one is there but the statement keeps it from being
 *     used ({@link #defeatedIndex})
 * @param ddl the {@code CREATE INDEX} to run, or null with {@code candidate}
 * @param costBefore the planner's cost of the statement now, or {@code NaN} (H2)
 * @param costAfter its cost with the candidate built hypothetically, or {@code NaN} when that could not be tested
 * @param defeatedIndex the existing index the statement cannot use, or null
 * @param reasons why an index on the filtered columns cannot be used ("email is wrapped in a function"), possibly empty
 */
public record IndexAdvice(
    String database,
    String table,
    long tableRows,
    double scanRows,
    IndexCandidate candidate,
    String ddl,
    double costBefore,
    double costAfter,
    String defeatedIndex,
    List<String> reasons) {

  public IndexAdvice {
    reasons = List.copyOf(reasons);
  }

  /** Whether a hypothetical index proved the candidate (cost at least halved). */
  public boolean verified() {
    return !Double.isNaN(costAfter);
  }

  /** The share of the table's rows the scan's filter throws away (0.999), or {@code NaN} when unknown. */
  public double filteredShare() {
    if (Double.isNaN(scanRows) || tableRows <= 0) {
      return Double.NaN;
    }
    return Math.max(0, Math.min(1, 1 - scanRows / tableRows));
  }
}
