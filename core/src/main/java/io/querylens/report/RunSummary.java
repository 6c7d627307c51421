package io.querylens.report;

import io.querylens.detect.SqlText;
import io.querylens.endpoint.EndpointSummary;
import io.querylens.finding.FindingType;
import io.querylens.pool.PoolStatistics;
import io.querylens.sql.StatementShape;
import io.querylens.stats.ShapeStats;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What querylens saw in a run, written when the JVM exits: the problems found, and the statement shapes that took the
 * most database time.
 *
 * @param statements statements recorded
 * @param shapes distinct statement shapes
 * @param problems distinct problems, with their counts
 * @param topShapes the shapes with the most total time, most first, with their statistics
 * @param internalErrors querylens' own errors (should be 0)
 * @param drops work querylens dropped rather than grow, by kind
 * @param pools the connection pools and data sources the application took connections from
 * @param endpoints requests and scopes by endpoint, the most database time first, as many as top shapes; endpoints that
 *     ran no statement are left out
 * @param suppressed distinct problems the {@code suppress} setting kept out of the log and the reports
 */
public record RunSummary(
    long statements,
    int shapes,
    List<Reporter.Problem> problems,
    List<ShapeRow> topShapes,
    long internalErrors,
    Map<String, Long> drops,
    List<PoolStatistics> pools,
    List<EndpointSummary> endpoints,
    long suppressed) {

  /** Builds a summary from every shape, keeping the {@code top} with the most total time. */
  public static RunSummary of(
      long statements, List<StatementShape> shapes, List<Reporter.Problem> problems, int top, long internalErrors,
      Map<String, Long> drops, List<PoolStatistics> pools, List<EndpointSummary> endpoints, long suppressed) {
    List<ShapeRow> lines = ShapeRow.byTotalTime(shapes).stream().limit(top).toList();
    return new RunSummary(statements, shapes.size(), problems, lines, internalErrors, drops, pools,
        endpoints.stream().filter(endpoint -> endpoint.statements() > 0).limit(top).toList(), suppressed);
  }

  /** The summary as log text (several lines). */
  public String text() {
    Map<FindingType, Integer> byType = new EnumMap<>(FindingType.class);
    problems.forEach(problem -> byType.merge(problem.finding().type(), 1, Integer::sum));
    StringBuilder text = new StringBuilder();
    text.append(String.format(Locale.ROOT, "querylens summary: %,d statements in %,d shapes; %d %s", statements,
        shapes, problems.size(), problems.size() == 1 ? "problem" : "problems"));
    if (!byType.isEmpty()) {
      text.append(" (");
      boolean first = true;
      for (Map.Entry<FindingType, Integer> entry : byType.entrySet()) {
        text.append(first ? "" : ", ").append(entry.getKey()).append(": ").append(entry.getValue());
        first = false;
      }
      text.append(')');
    }
    text.append('.');
    if (suppressed > 0) {
      text.append(String.format(Locale.ROOT, " %,d more %s suppressed by the suppress setting.", suppressed,
          suppressed == 1 ? "problem" : "problems"));
    }
    for (Reporter.Problem problem : problems) {
      text.append("\n  ").append(problem.finding().severity()).append(' ').append(problem.finding().type())
          .append(" seen ").append(problem.occurrences()).append(problem.occurrences() == 1 ? " time" : " times")
          .append(problem.largestCount() > problem.finding().count()
              ? String.format(Locale.ROOT, " (count up to %,d)", problem.largestCount()) : "")
          .append(": [").append(SqlText.abbreviate(problem.finding().sql())).append("] at ")
          .append(problem.finding().callSite());
    }
    if (!topShapes.isEmpty()) {
      text.append("\n  Top statement shapes by total time:");
      int rank = 1;
      for (ShapeRow line : topShapes) {
        ShapeStats.Snapshot s = line.stats();
        text.append(String.format(Locale.ROOT, "%n  %2d. %s total, %,d x, mean %s, p50 %s, p95 %s, p99 %s, max %s  [%s]",
            rank++, SqlText.millis(s.totalNanos()), s.executions(), SqlText.millis(s.meanNanos()),
            SqlText.millis(s.p50Nanos()), SqlText.millis(s.p95Nanos()), SqlText.millis(s.p99Nanos()),
            SqlText.millis(s.maxNanos()), SqlText.abbreviate(line.sql())));
      }
    }
    if (!endpoints.isEmpty()) {
      text.append("\n  Endpoints by database time (per request: statements p50/p95/max, database time p50/p95/p99/max):");
      for (EndpointSummary endpoint : endpoints) {
        text.append(String.format(Locale.ROOT, "%n    %s: %,d %s; statements %d/%d/%d; database %s/%s/%s/%s",
            endpoint.name(), endpoint.requests(), endpoint.requests() == 1 ? "request" : "requests",
            endpoint.statementsP50(), endpoint.statementsP95(), endpoint.statementsMax(),
            SqlText.millis(endpoint.databaseP50Nanos()), SqlText.millis(endpoint.databaseP95Nanos()),
            SqlText.millis(endpoint.databaseP99Nanos()), SqlText.millis(endpoint.databaseMaxNanos())));
      }
    }
    if (!pools.isEmpty()) {
      text.append("\n  Connections:");
      pools.forEach(pool -> text.append("\n    ").append(pool.line()));
    }
    if (internalErrors > 0 || !drops.isEmpty()) {
      text.append("\n  querylens itself: ").append(internalErrors).append(" internal errors");
      drops.forEach((kind, count) -> text.append(", dropped ").append(count).append(' ').append(kind));
    }
    return text.toString();
  }
}
