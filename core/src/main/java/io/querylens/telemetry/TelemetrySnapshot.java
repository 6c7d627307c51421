package io.querylens.telemetry;

import io.querylens.endpoint.EndpointSummary;
import java.util.List;
import java.util.Map;

/**
 * querylens' figures at one moment, for dashboards (Micrometer, JMX): statements and their database time by kind and
 * table, distinct problems found by type, the pools, the endpoints. Tag values are bounded: table names past
 * {@link Telemetry#MAX_TABLES} count as {@code other}, endpoints past {@link Telemetry#MAX_ENDPOINTS} are left out.
 *
 * @param statements statements recorded
 * @param databaseNanos time spent in them
 * @param groups statements by kind and table
 * @param findings distinct problems found, by finding type
 * @param pools the connection pools in use
 * @param endpoints the endpoints, the most database time first
 * @param internalErrors querylens' own errors
 */
public record TelemetrySnapshot(
    long statements,
    long databaseNanos,
    List<StatementGroup> groups,
    Map<String, Long> findings,
    List<PoolFigures> pools,
    List<EndpointSummary> endpoints,
    long internalErrors) {

  /**
   * Statements of one kind that read or wrote one table (a statement on two tables counts for each).
   *
   * @param kind {@code select}, {@code insert}, {@code update}, {@code delete}, {@code ddl}, {@code call},
   *     {@code other}
   * @param table lower-case table name; {@code none} for statements on no table, {@code other} past the bound
   */
  public record StatementGroup(String kind, String table, long executions, long nanos) {}

  /**
   * One pool now.
   *
   * @param name the pool's name
   * @param inUse connections out now
   * @param acquiring threads inside {@code getConnection()} at querylens' last look (every 100 ms)
   * @param acquisitions connections taken so far
   * @param timeouts acquisitions that gave up waiting
   * @param waitP95Nanos 95th percentile of {@code getConnection()} time so far
   * @param waitMaxNanos the longest
   */
  public record PoolFigures(
      String name, int inUse, int acquiring, long acquisitions, long timeouts, long waitP95Nanos,
      long waitMaxNanos) {}
}
