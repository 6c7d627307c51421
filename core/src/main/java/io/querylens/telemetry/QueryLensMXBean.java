package io.querylens.telemetry;

import java.util.Map;

/**
 * querylens' figures over JMX, as {@value QueryLensJmx#OBJECT_NAME} on the platform MBean server: always there while
 * querylens runs, with no dependency. Maps are keyed by kind, table, finding type, pool or endpoint name; the same
 * figures as the Micrometer meters.
 */
public interface QueryLensMXBean {

  /** Statements recorded. */
  long getStatements();

  /** Time spent in them, in milliseconds. */
  double getDatabaseMillis();

  /** Statements by kind: {@code select}, {@code insert}, {@code update}, {@code delete}, ... */
  Map<String, Long> getStatementsByKind();

  /** Database time by kind, in milliseconds. */
  Map<String, Double> getDatabaseMillisByKind();

  /** Statements by table (a statement on two tables counts for each). */
  Map<String, Long> getStatementsByTable();

  /** Database time by table, in milliseconds. */
  Map<String, Double> getDatabaseMillisByTable();

  /** Distinct problems found, by finding type ({@code N_PLUS_ONE}, ...). */
  Map<String, Long> getFindingsByType();

  /** Connections out now, by pool. */
  Map<String, Integer> getPoolConnectionsInUse();

  /** Threads inside {@code getConnection()} now, by pool. */
  Map<String, Integer> getPoolThreadsAcquiring();

  /** 95th percentile of {@code getConnection()} time so far, by pool, in milliseconds. */
  Map<String, Double> getPoolAcquireWaitP95Millis();

  /** Requests (or scopes) ended, by endpoint. */
  Map<String, Long> getEndpointRequests();

  /** 95th percentile of statements per request, by endpoint. */
  Map<String, Long> getEndpointStatementsP95();

  /** 95th percentile of database time per request, by endpoint, in milliseconds. */
  Map<String, Double> getEndpointDatabaseP95Millis();

  /**
   * Writes the HTML report of the run so far to {@code path} on the monitored JVM's file system; false when it could
   * not be written.
   */
  boolean writeHtmlReport(String path);

  /** querylens' own internal errors (should be 0). */
  long getInternalErrors();
}
