package io.querylens.endpoint;

/**
 * What one endpoint cost the database per request, at one moment: how many statements a request ran and how long it
 * spent in the database. Database-time percentiles are within 12.5 %; statement counts are exact up to 127.
 *
 * @param name the endpoint: {@code GET /owners/{ownerId}} (method and route template), or a scope's name
 * @param requests requests (or scopes) that ended
 * @param statements statements run in all of them
 * @param statementsP50 median statements per request
 * @param statementsP95 95th percentile of statements per request
 * @param statementsP99 99th percentile of statements per request
 * @param statementsMax the most statements one request ran
 * @param databaseNanos database time in all of them
 * @param databaseP50Nanos median database time per request
 * @param databaseP95Nanos 95th percentile of database time per request
 * @param databaseP99Nanos 99th percentile of database time per request
 * @param databaseMaxNanos the longest database time of one request
 */
public record EndpointSummary(
    String name,
    long requests,
    long statements,
    long statementsP50,
    long statementsP95,
    long statementsP99,
    long statementsMax,
    long databaseNanos,
    long databaseP50Nanos,
    long databaseP95Nanos,
    long databaseP99Nanos,
    long databaseMaxNanos) {

  /** Mean statements per request. */
  public double statementsMean() {
    return requests == 0 ? 0 : (double) statements / requests;
  }

  /** Mean database time per request. */
  public long databaseMeanNanos() {
    return requests == 0 ? 0 : databaseNanos / requests;
  }
}
