package io.querylens.report;

import io.querylens.config.QueryLensConfig;
import io.querylens.config.Setting;
import io.querylens.config.Settings;
import io.querylens.detect.SqlText;
import io.querylens.endpoint.EndpointSummary;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.internal.Diagnostics;
import io.querylens.pool.PoolStatistics;
import io.querylens.pool.PoolTimeline;
import io.querylens.sql.StatementShape;
import io.querylens.stats.Distribution;
import io.querylens.stats.ShapeStats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One self-contained HTML page of a run (the {@code html=} setting): the findings, most costly first; every statement
 * shape in a table that sorts and filters; the endpoints and pools; the settings and the version. Styles and the few
 * lines of script are inline: the file opens from disk with no network.
 *
 * <p>A finding's cost is the database time of the statement shape it is about (all its executions in the run), or the
 * database time its requests spent for a chatty request; findings about no statement (pools, leaks) come after, by
 * severity.
 */
public final class HtmlReport {

  /**
   * What the page shows.
   *
   * @param version querylens' version
   * @param statements statements recorded
   * @param problems the distinct problems, with how often each was seen
   * @param shapes every statement shape
   * @param endpoints the endpoints, most database time first
   * @param pools the pools that handed out connections
   * @param config the settings of the run
   * @param statementsPerRequest each endpoint's requests by how many statements they ran
   * @param poolTimelines each pool's connections in use and threads waiting over time, by pool number
   */
  public record Data(
      String version, long statements, List<Reporter.Problem> problems, List<StatementShape> shapes,
      List<EndpointSummary> endpoints, List<PoolStatistics> pools, QueryLensConfig config,
      Map<String, Distribution> statementsPerRequest, Map<Integer, List<PoolTimeline.Point>> poolTimelines) {}

  /** Shapes that get a latency chart in the table: the most costly; the others' rows stay light. */
  static final int CHARTED_SHAPES = 200;
  /** Endpoints that get a statements-per-request chart: the most costly. */
  public static final int CHARTED_ENDPOINTS = 12;
  /** Endpoints listed for a shape in the table. */
  private static final int LISTED_ENDPOINTS = 3;

  private HtmlReport() {}

  /** Writes the page to {@code path}, replacing it; on failure says so in one line. */
  public static boolean write(Path path, Data data) {
    try {
      Path parent = path.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(path, render(data, Instant.now()), StandardCharsets.UTF_8);
      return true;
    } catch (IOException | RuntimeException cannotWrite) {
      Diagnostics.say("cannot write the HTML report " + path.toAbsolutePath() + " (" + cannotWrite + ")");
      return false;
    }
  }

  /** A finding with its cost, for ranking. */
  record Ranked(Reporter.Problem problem, long costNanos) {}

  /** The problems, most costly first. */
  static List<Ranked> ranked(Data data, Map<String, ShapeRow> bySql) {
    List<Ranked> ranked = new ArrayList<>();
    for (Reporter.Problem problem : data.problems()) {
      Finding finding = problem.finding();
      long cost = finding.type() == FindingType.CHATTY_REQUEST
          && finding.details().get("databaseMs") instanceof Number millis
          ? (long) (millis.doubleValue() * 1_000_000) * problem.occurrences()
          : bySql.containsKey(finding.sql()) ? bySql.get(finding.sql()).stats().totalNanos() : 0L;
      ranked.add(new Ranked(problem, cost));
    }
    ranked.sort(Comparator.comparingLong(Ranked::costNanos).reversed()
        .thenComparing(each -> each.problem().finding().severity(), Comparator.reverseOrder()));
    return ranked;
  }

  static String render(Data data, Instant at) {
    StringBuilder html = new StringBuilder(64 * 1024);
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>querylens report</title><style>").append(STYLE).append("</style><script>").append(ERRORS)
        .append("</script></head><body>\n");
    html.append("<header><h1>querylens report</h1><p>").append(escape(data.version())).append(" &middot; ")
        .append(escape(at.toString())).append(" &middot; ")
        .append(String.format(Locale.ROOT, "%,d statements in %,d shapes, %d %s", data.statements(),
            data.shapes().size(), data.problems().size(), data.problems().size() == 1 ? "problem" : "problems"))
        .append("</p></header>\n");

    html.append("<section id=\"findings\"><h2>Findings, most costly first</h2>\n");
    List<ShapeRow> rows = ShapeRow.byTotalTime(data.shapes());
    Map<String, ShapeRow> bySql = new HashMap<>();
    rows.forEach(row -> bySql.putIfAbsent(row.shape().sql(), row));
    List<Ranked> ranked = ranked(data, bySql);
    if (ranked.isEmpty()) {
      html.append("<p class=\"none\">No problems found.</p>\n");
    }
    for (Ranked each : ranked) {
      Finding finding = each.problem().finding();
      html.append("<article class=\"finding ").append(finding.severity().name().toLowerCase(Locale.ROOT))
          .append("\"><h3><span class=\"badge\">").append(finding.severity()).append("</span> ")
          .append(escape(finding.type().name())).append("</h3><p class=\"meta\">")
          .append(each.costNanos() > 0 ? SqlText.millis(each.costNanos()) + " of database time &middot; " : "")
          .append("seen ").append(each.problem().occurrences()).append(each.problem().occurrences() == 1 ? " time"
              : " times").append(" &middot; count ").append(finding.count());
      if (!finding.callSite().isEmpty()) {
        html.append(" &middot; at <code>").append(escape(finding.callSite())).append("</code>");
      }
      html.append("</p>");
      if (!finding.sql().isEmpty()) {
        html.append("<pre class=\"sql\">").append(escape(finding.sql())).append("</pre>");
        ShapeRow row = bySql.get(finding.sql());
        if (row != null) {
          html.append("<figure>").append(SvgChart.bars(row.shape().stats().latency(), "executions",
              HtmlReport::duration, false)).append("<figcaption>How long its ")
              .append(String.format(Locale.ROOT, "%,d", row.stats().executions()))
              .append(" executions took</figcaption></figure>");
        }
      }
      html.append("<p>").append(escape(finding.message())).append("</p>");
      if (finding.details().get("ddl") instanceof String ddl) {
        html.append("<p>Create it:</p><pre class=\"ddl\">").append(escape(ddl)).append("</pre>");
      }
      html.append("<p class=\"fix\"><b>Fix:</b> ").append(escape(finding.suggestion())).append("</p></article>\n");
    }
    html.append("</section>\n");

    html.append("<section id=\"shapes\"><h2>Statement shapes</h2>")
        .append("<input id=\"filter\" type=\"search\" placeholder=\"filter statements\">")
        .append("<table id=\"shape-table\"><thead><tr>");
    for (String column : List.of("statement", "executions", "total ms", "mean ms", "p95 ms", "p99 ms", "max ms",
        "latency", "failures", "rows mean", "rows max", "endpoints")) {
      html.append("<th>").append(column).append("</th>");
    }
    html.append("</tr></thead><tbody>\n");
    int charted = 0;
    for (ShapeRow row : rows) {
      ShapeStats.Snapshot stats = row.stats();
      html.append("<tr><td><code>").append(escape(row.shape().sql())).append("</code></td>");
      cell(html, stats.executions());
      cell(html, SqlText.millisValue(stats.totalNanos()));
      cell(html, SqlText.millisValue(stats.meanNanos()));
      cell(html, SqlText.millisValue(stats.p95Nanos()));
      cell(html, SqlText.millisValue(stats.p99Nanos()));
      cell(html, SqlText.millisValue(stats.maxNanos()));
      html.append("<td data-v=\"").append(SqlText.millisValue(stats.p95Nanos())).append("\">")
          .append(charted++ < CHARTED_SHAPES
          ? SvgChart.bars(row.shape().stats().latency(), "executions", HtmlReport::duration, true) : "")
          .append("</td>");
      cell(html, stats.failures());
      ShapeStats.RowFigures rowFigures = row.shape().stats().rows();
      cell(html, rowFigures == null ? "" : String.format(Locale.ROOT, "%.1f", rowFigures.mean()));
      cell(html, rowFigures == null ? "" : rowFigures.max());
      html.append("<td>").append(endpointsOf(row.shape().stats())).append("</td></tr>\n");
    }
    html.append("</tbody></table></section>\n");

    if (!data.endpoints().isEmpty()) {
      html.append("<section id=\"endpoints\"><h2>Endpoints</h2><table><thead><tr><th>endpoint</th><th>requests</th>")
          .append("<th>statements p50</th><th>p95</th><th>max</th><th>database ms p50</th><th>p95</th><th>p99</th>")
          .append("<th>max</th></tr></thead><tbody>\n");
      for (EndpointSummary endpoint : data.endpoints()) {
        html.append("<tr><td>").append(escape(endpoint.name())).append("</td>");
        cell(html, endpoint.requests());
        cell(html, endpoint.statementsP50());
        cell(html, endpoint.statementsP95());
        cell(html, endpoint.statementsMax());
        cell(html, SqlText.millisValue(endpoint.databaseP50Nanos()));
        cell(html, SqlText.millisValue(endpoint.databaseP95Nanos()));
        cell(html, SqlText.millisValue(endpoint.databaseP99Nanos()));
        cell(html, SqlText.millisValue(endpoint.databaseMaxNanos()));
        html.append("</tr>\n");
      }
      html.append("</tbody></table>\n<h3>Statements per request</h3><div class=\"charts\">");
      data.endpoints().stream().limit(CHARTED_ENDPOINTS).forEach(endpoint -> {
        Distribution counts = data.statementsPerRequest().getOrDefault(endpoint.name(), Distribution.EMPTY);
        if (!counts.bins().isEmpty()) {
          html.append("<figure>").append(SvgChart.bars(counts, "requests", HtmlReport::statements, false))
              .append("<figcaption>").append(escape(endpoint.name())).append("</figcaption></figure>");
        }
      });
      html.append("</div></section>\n");
    }

    if (!data.pools().isEmpty()) {
      html.append("<section id=\"pools\"><h2>Connections</h2>");
      for (PoolStatistics pool : data.pools()) {
        html.append("<p>").append(escape(pool.line())).append("</p>");
        List<PoolTimeline.Point> points = data.poolTimelines().getOrDefault(pool.number(), List.of());
        if (!points.isEmpty()) {
          html.append("<figure>").append(SvgChart.timeline(points, pool.size()))
              .append("<figcaption><span class=\"key in-use\"></span> connections in use, ")
              .append("<span class=\"key waiting\"></span> threads waiting for one (the most at once in each ")
              .append("interval)").append(pool.size() > 0 ? ", dashed: the pool's size" : "")
              .append("</figcaption></figure>");
        }
      }
      html.append("</section>\n");
    }

    html.append("<section id=\"settings\"><h2>Settings</h2><table><tbody>\n");
    for (Setting<?> setting : Settings.ALL) {
      Object value = data.config().get(setting);
      html.append("<tr><td><code>").append(escape(setting.key())).append("</code></td><td>")
          .append(escape(value == null ? "(none)" : String.valueOf(value)))
          .append(data.config().isSet(setting) ? "" : " <span class=\"default\">default</span>")
          .append("</td></tr>\n");
    }
    html.append("</tbody></table></section>\n");
    html.append("<script>").append(SCRIPT).append("</script>\n</body></html>\n");
    return html.toString();
  }

  /** A shape's endpoints for the table: the busiest few, with how many of their requests ran it. */
  private static String endpointsOf(ShapeStats stats) {
    List<ShapeStats.EndpointShare> shares = stats.endpoints();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < Math.min(LISTED_ENDPOINTS, shares.size()); i++) {
      text.append(i == 0 ? "" : "<br>").append(escape(shares.get(i).name()))
          .append(String.format(Locale.ROOT, " <span class=\"default\">%,d</span>", shares.get(i).requests()));
    }
    long more = stats.otherEndpointRequests();
    for (int i = LISTED_ENDPOINTS; i < shares.size(); i++) {
      more += shares.get(i).requests();
    }
    if (more > 0) {
      text.append(String.format(Locale.ROOT, "<br><span class=\"default\">%,d more requests</span>", more));
    }
    return text.toString();
  }

  /** A duration for a chart: microseconds below a millisecond, where latency buckets are finer than 0.1 ms. */
  static String duration(long nanos) {
    if (nanos >= 1_000_000) {
      return SqlText.millis(nanos);
    }
    return nanos < 10_000 ? String.format(Locale.ROOT, "%.1f µs", nanos / 1_000.0)
        : String.format(Locale.ROOT, "%d µs", nanos / 1_000);
  }

  private static String statements(long count) {
    return count == 1 ? "1 statement" : String.format(Locale.ROOT, "%,d statements", count);
  }

  private static void cell(StringBuilder html, Object value) {
    html.append("<td class=\"n\">").append(value).append("</td>");
  }

  /** {@code text} safe inside HTML text and attribute values. */
  static String escape(String text) {
    StringBuilder escaped = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '&' -> escaped.append("&amp;");
        case '"' -> escaped.append("&quot;");
        case '\'' -> escaped.append("&#39;");
        default -> escaped.append(c);
      }
    }
    return escaped.toString();
  }

  static final String STYLE = String.join("",
      "body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:0 16px;color:#1d1d1f}",
      "header{border-bottom:1px solid #ddd;margin-bottom:8px}h1{margin:16px 0 4px}h2{margin-top:28px}",
      ".finding{border-left:5px solid #999;background:#fafafa;padding:4px 14px;margin:10px 0}",
      ".finding.error{border-color:#c0392b}.finding.warn{border-color:#e67e22}.finding.info{border-color:#2e86c1}",
      ".badge{font-size:11px;padding:1px 6px;border-radius:3px;background:#eee}.meta{color:#555}",
      "pre{white-space:pre-wrap;background:#f0f0f0;padding:6px 8px;border-radius:3px}pre.ddl{background:#e8f6e8}",
      "table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #e5e5e5;padding:4px 6px;",
      "text-align:left;vertical-align:top}th{cursor:pointer;background:#f5f5f5}td.n{text-align:right;",
      "font-variant-numeric:tabular-nums}code{font-size:12px}#filter{margin:6px 0;padding:4px;width:320px}",
      ".default{color:#999;font-size:11px}.none{color:#2e7d32}",
      "figure{margin:8px 0}figcaption{color:#555;font-size:12px}.charts{display:flex;flex-wrap:wrap;gap:8px 24px}",
      "svg rect{fill:#5b8def}svg.spark{display:block}svg text{font-size:11px;fill:#555}svg rect.hit{fill:transparent}",
      "svg .in-use{fill:#5b8def;fill-opacity:.35;stroke:#5b8def}svg .waiting{fill:none;stroke:#c0392b;stroke-width:2}",
      "svg .size{stroke:#888;stroke-dasharray:4 3}.key{display:inline-block;width:10px;height:10px}",
      ".key.in-use{background:#5b8def}.key.waiting{background:#c0392b}");

  /** Collects script errors on the page (none expected), where a browser test can read them. */
  static final String ERRORS = "window.onerror=function(message){var root=document.documentElement;"
      + "root.dataset.errors=(root.dataset.errors||'')+message+';';};";

  /**
   * Sorts a table by a clicked header (a cell's {@code data-v} when it has one: a chart sorts by its p95), and filters
   * the shapes table by statement text.
   */
  static final String SCRIPT = String.join("\n",
      "function value(cell){return cell.dataset.v!==undefined?cell.dataset.v:cell.textContent;}",
      "document.querySelectorAll('table').forEach(function(table){",
      "  table.querySelectorAll('th').forEach(function(th,column){",
      "    th.addEventListener('click',function(){",
      "      var body=table.tBodies[0],rows=Array.from(body.rows),down=th.dataset.down!=='1';",
      "      th.dataset.down=down?'1':'0';",
      "      rows.sort(function(a,b){",
      "        var x=value(a.cells[column]),y=value(b.cells[column]),nx=parseFloat(x),ny=parseFloat(y);",
      "        var c=(isNaN(nx)||isNaN(ny))?x.localeCompare(y):nx-ny;return down?-c:c;});",
      "      rows.forEach(function(row){body.appendChild(row);});});});});",
      "var filter=document.getElementById('filter');",
      "if(filter)filter.addEventListener('input',function(){var text=filter.value.toLowerCase();",
      "  document.querySelectorAll('#shape-table tbody tr').forEach(function(row){",
      "    row.style.display=row.cells[0].textContent.toLowerCase().indexOf(text)<0?'none':'';});});",
      "document.documentElement.dataset.ready='1';");
}
