package io.querylens.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.querylens.config.QueryLensConfig;
import io.querylens.config.Settings;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.sql.ShapeRegistry;
import io.querylens.sql.SqlNormalizer;
import io.querylens.sql.StatementShape;
import io.querylens.endpoint.EndpointSummary;
import io.querylens.pool.PoolKind;
import io.querylens.pool.PoolStatistics;
import io.querylens.pool.PoolTimeline;
import io.querylens.stats.Distribution;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

  private final ShapeRegistry shapes = new ShapeRegistry(new SqlNormalizer(10_000), 100, shape -> {});

  private StatementShape shape(String sql, int executions, long millisEach) {
    StatementShape shape = shapes.resolve(sql).shape();
    for (int i = 0; i < executions; i++) {
      shape.stats().record(millisEach * 1_000_000, false);
    }
    return shape;
  }

  private static Reporter.Problem problem(FindingType type, Severity severity, String sql, String ddl) {
    Finding.Builder finding = Finding.builder(type, severity, "test").sql(sql).callSite("com.example.A.b(A.java:1)")
        .count(3).message("message <b>" + type + "</b>").suggestion("fix it").problemKey(type + sql);
    if (ddl != null) {
      finding.detail("ddl", ddl);
    }
    return new Reporter.Problem(finding.build(), 3);
  }

  @Test
  void findingsComeMostCostlyFirstWithTheirDdlAndEverythingIsEscaped() {
    StatementShape cheap = shape("select * from a where id = ?", 5, 1);
    StatementShape costly = shape("select id from orders where customer_email = ? and total > ?", 3, 40);
    HtmlReport.Data data = new HtmlReport.Data("querylens 9.9", 8,
        List.of(problem(FindingType.N_PLUS_ONE, Severity.WARN, cheap.sql(), null),
            problem(FindingType.MISSING_INDEX, Severity.WARN, costly.sql(),
                "CREATE INDEX idx_orders_customer_email ON orders (customer_email)"),
            problem(FindingType.POOL_EXHAUSTION, Severity.ERROR, "", null)),
        List.of(cheap, costly), List.of(), List.of(),
        QueryLensConfig.builder().set(Settings.SLOW_THRESHOLD_MS, 50L).build(), Map.of(), Map.of());

    String html = HtmlReport.render(data, Instant.parse("2026-11-28T12:00:00Z"));

    assertThat(html).startsWith("<!DOCTYPE html>").contains("querylens 9.9 &middot; 2026-11-28T12:00:00Z")
        .contains("8 statements in 2 shapes, 3 problems");
    assertThat(html.indexOf("MISSING_INDEX")).as("120 ms lost before 5 ms, before no time at all")
        .isLessThan(html.indexOf("N_PLUS_ONE")).isPositive();
    assertThat(html.indexOf("N_PLUS_ONE")).isLessThan(html.indexOf("POOL_EXHAUSTION"));
    assertThat(html).contains("<pre class=\"ddl\">CREATE INDEX idx_orders_customer_email ON orders (customer_email)")
        .contains("and total &gt; ?").doesNotContain("total > ?")
        .contains("message &lt;b&gt;MISSING_INDEX&lt;/b&gt;").doesNotContain("<b>MISSING_INDEX</b>")
        .contains("120 ms of database time");
    assertThat(html).as("self-contained").doesNotContain("http://").doesNotContain("https://")
        .doesNotContain("<link").doesNotContain(" src=");
    assertThat(html).contains("<code>slow.threshold.ms</code></td><td>50</td>")
        .contains("<code>nplusone.threshold</code></td><td>5 <span class=\"default\">default</span>");
  }

  @Test
  void chartsShowEachShapesLatenciesEachEndpointsStatementsPerRequestAndEachPoolOverTime() {
    StatementShape lookup = shape("select name from carriers where id = ?", 30, 2);
    lookup.stats().record(40_000_000, false);
    lookup.stats().ranIn("GET /carriers/{id}");
    lookup.stats().ranIn("GET /carriers/{id}");
    lookup.stats().ranIn("GET /dashboard");
    lookup.stats().recordRows(1);
    lookup.stats().recordRows(3);
    EndpointSummary dashboard = new EndpointSummary("GET /dashboard", 3, 90, 30, 31, 31, 31, 9_000_000, 3_000_000,
        3_000_000, 3_000_000, 3_000_000);
    PoolStatistics pool =
        new PoolStatistics("HikariPool-1", PoolKind.HIKARI, 4, 10, 0, 0, 0, 0, 0, 0, 0, 4, 2, 0, 0, 1);
    HtmlReport.Data data = new HtmlReport.Data("querylens 9.9", 31,
        List.of(problem(FindingType.SLOW_QUERY, Severity.WARN, lookup.sql(), null)), List.of(lookup),
        List.of(dashboard), List.of(pool), QueryLensConfig.defaults(),
        Map.of("GET /dashboard", new Distribution(List.of(new Distribution.Bin(29, 29, 1),
            new Distribution.Bin(30, 30, 0), new Distribution.Bin(31, 31, 2)))),
        Map.of(1, List.of(new PoolTimeline.Point(0, 1000, 1, 0),
            new PoolTimeline.Point(1000, 2000, 4, 2))));

    String html = HtmlReport.render(data, Instant.EPOCH);

    assertThat(html).as("the finding's shape: 30 executions near 2 ms, one near 40 ms")
        .contains("<figcaption>How long its 31 executions took</figcaption>")
        .contains(": 30 executions</title>").contains(": 1 execution</title>");
    assertThat(html).as("the shapes table: a small chart, rows and endpoints")
        .contains("<svg class=\"spark\"").contains("<td class=\"n\">2.0</td><td class=\"n\">3</td>")
        .contains("<td>GET /carriers/{id} <span class=\"default\">2</span><br>GET /dashboard <span "
            + "class=\"default\">1</span></td>");
    assertThat(html).as("statements per request").contains("<title>29 statements: 1 request</title>")
        .contains("<title>31 statements: 2 requests</title>").contains("<figcaption>GET /dashboard</figcaption>");
    assertThat(html).as("the pool over time").contains("<svg class=\"chart timeline\"")
        .contains("<title>1 s to 2 s: 4 in use, 2 waiting</title>").contains("dashed: the pool's size");
    assertThat(html).as("self-contained").doesNotContain("http://").doesNotContain("https://");
  }

  @Test
  void aRunWithoutProblemsSaysSo() {
    HtmlReport.Data data = new HtmlReport.Data("querylens 9.9", 0, List.of(), List.of(), List.of(), List.of(),
        QueryLensConfig.defaults(), Map.of(), Map.of());

    assertThat(HtmlReport.render(data, Instant.EPOCH)).contains("No problems found.")
        .doesNotContain("id=\"endpoints\"").doesNotContain("id=\"pools\"");
  }
}
