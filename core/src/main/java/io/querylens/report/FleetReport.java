package io.querylens.report;

import io.querylens.detect.SqlText;
import io.querylens.internal.JsonReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Many services' reports merged into one ranked HTML page: {@code java -jar querylens-agent.jar report a.jsonl
 * b.jsonl -o fleet.html}. Each findings file is one source (a service or an instance), named by its path; the
 * endpoints and shapes files querylens writes beside it ({@code a.endpoints.jsonl}, {@code a.shapes.jsonl}) are read
 * with it when present. The same problem in several sources (equal fingerprints: same type, statement, call site and
 * unit kind) is one entry, ranked by the database time it costs all of them together: the time of its statement in
 * each source's shapes file, or, without one, the time the finding itself names.
 */
public final class FleetReport {

  private static final String USAGE = "usage: java -jar querylens-agent.jar report <findings.jsonl>... "
      + "[-o fleet.html]";

  private FleetReport() {}

  /** What one source reported: its findings, endpoints and shapes, as read from JSON. */
  record Source(String name, List<Map<String, Object>> findings, List<Map<String, Object>> endpoints,
      List<Map<String, Object>> shapes) {

    Source(String name) {
      this(name, new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }

    /** The total database time of {@code sql} in this source, or -1 when its shapes file does not say. */
    double shapeMillis(String sql) {
      for (Map<String, Object> shape : shapes) {
        if (sql.equals(shape.get("sql"))) {
          return number(shape, "totalMs");
        }
      }
      return -1;
    }

    double endpointMillis(String endpoint) {
      for (Map<String, Object> each : endpoints) {
        if (endpoint.equals(each.get("endpoint"))) {
          return number(each, "databaseMs");
        }
      }
      return -1;
    }
  }

  /** One problem across the fleet: every source's finding with its fingerprint. */
  record Problem(Map<String, Object> first, Map<String, Map<String, Object>> bySource, double lostMillis) {

    String text(String field) {
      return first.get(field) instanceof String text ? text : "";
    }
  }

  /** Runs the command; returns the exit status (0 done, 1 a file could not be read or written, 2 usage). */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    List<Path> files = new ArrayList<>();
    Path output = Path.of("fleet.html");
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("-o") || arg.equals("--output")) {
        if (i + 1 == args.size()) {
          err.println(USAGE);
          return 2;
        }
        output = Path.of(args.get(++i));
      } else if (arg.equals("-h") || arg.equals("--help")) {
        out.println(USAGE);
        return 0;
      } else if (arg.startsWith("-")) {
        err.println("unknown option " + arg + "; " + USAGE);
        return 2;
      } else {
        files.add(Path.of(arg));
      }
    }
    if (files.isEmpty()) {
      err.println(USAGE);
      return 2;
    }
    List<Source> sources;
    try {
      sources = read(files, err);
    } catch (IOException cannotRead) {
      err.println("cannot read " + cannotRead.getMessage());
      return 1;
    }
    List<Problem> problems = problems(sources);
    try {
      Path parent = output.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(output, render(sources, problems, Instant.now()), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException cannotWrite) {
      err.println("cannot write " + output.toAbsolutePath() + " (" + cannotWrite + ")");
      return 1;
    }
    out.printf(Locale.ROOT, "wrote %s: %d sources, %d distinct problems%n", output, sources.size(), problems.size());
    return 0;
  }

  public static void main(String[] args) {
    System.exit(run(List.of(args), System.out, System.err));
  }

  /** Reads every file, and the endpoints and shapes files beside each findings file, into sources by name. */
  static List<Source> read(List<Path> files, PrintStream err) throws IOException {
    Map<String, Source> byName = new LinkedHashMap<>();
    List<Path> toRead = new ArrayList<>();
    for (Path given : files) {
      Path file = given.normalize();
      add(toRead, file);
      String path = file.toString();
      if (!path.endsWith(".endpoints.jsonl") && !path.endsWith(".shapes.jsonl")) {
        // The files querylens writes beside a report, by the rule it writes them with.
        add(toRead, EndpointReport.pathFor(null, path), true);
        add(toRead, ShapeReport.pathFor(null, path), true);
      }
    }
    for (Path file : toRead) {
      Source source = byName.computeIfAbsent(sourceName(file), Source::new);
      List<String> lines;
      try {
        lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      } catch (IOException | RuntimeException unreadable) {
        throw new IOException(file + " (" + unreadable + ")", unreadable);
      }
      int skipped = 0;
      for (String line : lines) {
        if (line.isBlank()) {
          continue;
        }
        Object value;
        try {
          value = JsonReader.read(line);
        } catch (RuntimeException notJson) {
          value = null;
        }
        if (!(value instanceof Map<?, ?> map)) {
          skipped++;
          continue;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) map;
        if (object.containsKey("type") && object.containsKey("fingerprint")) {
          source.findings().add(object);
        } else if (object.containsKey("endpoint")) {
          source.endpoints().add(object);
        } else if (object.containsKey("sql") && object.containsKey("executions")) {
          source.shapes().add(object);
        } else {
          skipped++;
        }
      }
      if (skipped > 0) {
        err.printf(Locale.ROOT, "skipped %d lines of %s that are not querylens findings, endpoints or shapes%n",
            skipped, file);
      }
    }
    return new ArrayList<>(byName.values());
  }

  private static void add(List<Path> toRead, Path file) {
    if (!toRead.contains(file)) {
      toRead.add(file);
    }
  }

  private static void add(List<Path> toRead, Path file, boolean onlyIfThere) {
    if (file != null && (!onlyIfThere || Files.isRegularFile(file))) {
      add(toRead, file);
    }
  }

  /** {@code services/orders/findings} for {@code services/orders/findings.jsonl} and the files beside it. */
  static String sourceName(Path file) {
    String path = file.toString();
    for (String suffix : List.of(".endpoints.jsonl", ".shapes.jsonl", ".jsonl")) {
      if (path.endsWith(suffix)) {
        return path.substring(0, path.length() - suffix.length());
      }
    }
    return path;
  }

  /** The distinct problems over all sources, the most database time lost first, then the most severe. */
  static List<Problem> problems(List<Source> sources) {
    Map<String, Map<String, Map<String, Object>>> byFingerprint = new LinkedHashMap<>();
    for (Source source : sources) {
      for (Map<String, Object> finding : source.findings()) {
        byFingerprint.computeIfAbsent(String.valueOf(finding.get("fingerprint")), key -> new LinkedHashMap<>())
            .put(source.name(), finding); // a report appended over several runs: the latest line wins
      }
    }
    Map<String, Source> sourceByName = new LinkedHashMap<>();
    sources.forEach(source -> sourceByName.put(source.name(), source));
    List<Problem> problems = new ArrayList<>();
    byFingerprint.forEach((fingerprint, bySource) -> {
      double lost = 0;
      for (Map.Entry<String, Map<String, Object>> each : bySource.entrySet()) {
        lost += lostMillis(each.getValue(), sourceByName.get(each.getKey()));
      }
      problems.add(new Problem(bySource.values().iterator().next(), bySource, lost));
    });
    problems.sort(Comparator.comparingDouble(Problem::lostMillis).reversed()
        .thenComparing(problem -> severityRank(problem.text("severity")), Comparator.reverseOrder()));
    return problems;
  }

  /**
   * The database time a finding stands for in its source: its statement's total time there (shapes file), the
   * endpoint's total for a chatty request (endpoints file), else what the finding itself says (N+1 total, slow
   * statement time); 0 for findings about no statement.
   */
  static double lostMillis(Map<String, Object> finding, Source source) {
    if ("CHATTY_REQUEST".equals(finding.get("type")) && finding.get("unit") instanceof String unit) {
      // "request GET /x" or "scope nightly-import": the endpoint is the name after the unit's kind
      double endpoint = source.endpointMillis(unit.substring(unit.indexOf(' ') + 1));
      if (endpoint >= 0) {
        return endpoint;
      }
      return number(finding, "databaseMs");
    }
    if (finding.get("sql") instanceof String sql && !sql.isEmpty() && !finding.containsKey("pool")) {
      double shape = source.shapeMillis(sql);
      if (shape >= 0) {
        return shape;
      }
    }
    for (String field : List.of("totalMs", "databaseMs", "durationMs", "slowMs")) {
      if (finding.get(field) instanceof Number millis) {
        return millis.doubleValue();
      }
    }
    return 0;
  }

  private static int severityRank(String severity) {
    return switch (severity) {
      case "ERROR" -> 2;
      case "WARN" -> 1;
      default -> 0;
    };
  }

  static double number(Map<String, Object> object, String field) {
    return object.get(field) instanceof Number number ? number.doubleValue() : 0;
  }

  private static String whole(double value) {
    return String.valueOf(Math.round(value));
  }

  static String render(List<Source> sources, List<Problem> problems, Instant at) {
    StringBuilder html = new StringBuilder(64 * 1024);
    int findings = sources.stream().mapToInt(source -> source.findings().size()).sum();
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>querylens fleet report</title><style>").append(HtmlReport.STYLE).append("</style><script>")
        .append(HtmlReport.ERRORS).append("</script></head><body>\n<header><h1>querylens fleet report</h1><p>")
        .append(HtmlReport.escape(at.toString())).append(" &middot; ")
        .append(String.format(Locale.ROOT, "%d %s, %d finding lines, %d distinct %s", sources.size(),
            sources.size() == 1 ? "source" : "sources", findings, problems.size(),
            problems.size() == 1 ? "problem" : "problems"))
        .append("</p></header>\n");

    html.append("<section id=\"findings\"><h2>Problems, most costly first</h2>\n");
    if (problems.isEmpty()) {
      html.append("<p class=\"none\">No problems found.</p>\n");
    }
    for (Problem problem : problems) {
      String severity = problem.text("severity");
      html.append("<article class=\"finding ").append(switch (severity) {
        case "ERROR" -> "error";
        case "WARN" -> "warn";
        default -> "info"; // the file is input from elsewhere: only known words reach the markup
      })
          .append("\"><h3><span class=\"badge\">").append(HtmlReport.escape(severity)).append("</span> ")
          .append(HtmlReport.escape(problem.text("type"))).append("</h3><p class=\"meta\">")
          .append(problem.lostMillis() > 0
              ? SqlText.millis(Math.round(problem.lostMillis() * 1_000_000)) + " of database time &middot; " : "")
          .append("in ").append(problem.bySource().size()).append(problem.bySource().size() == 1 ? " source"
              : " sources");
      if (!problem.text("callSite").isEmpty()) {
        html.append(" &middot; at <code>").append(HtmlReport.escape(problem.text("callSite"))).append("</code>");
      }
      html.append("</p><p class=\"sources\">");
      boolean first = true;
      for (Map.Entry<String, Map<String, Object>> each : problem.bySource().entrySet()) {
        html.append(first ? "" : ", ").append("<b>").append(HtmlReport.escape(each.getKey())).append("</b> (count ")
            .append(whole(number(each.getValue(), "count"))).append(')');
        first = false;
      }
      html.append("</p>");
      if (!problem.text("sql").isEmpty()) {
        html.append("<pre class=\"sql\">").append(HtmlReport.escape(problem.text("sql"))).append("</pre>");
      }
      html.append("<p>").append(HtmlReport.escape(problem.text("message"))).append("</p>");
      if (!problem.text("ddl").isEmpty()) {
        html.append("<p>Create it:</p><pre class=\"ddl\">").append(HtmlReport.escape(problem.text("ddl")))
            .append("</pre>");
      }
      html.append("<p class=\"fix\"><b>Fix:</b> ").append(HtmlReport.escape(problem.text("suggestion")))
          .append("</p></article>\n");
    }
    html.append("</section>\n");

    html.append("<section id=\"sources\"><h2>Sources</h2><table><thead><tr><th>source</th><th>findings</th>")
        .append("<th>statements</th><th>database ms</th><th>endpoints</th></tr></thead><tbody>\n");
    for (Source source : sources) {
      double statements = source.shapes().stream().mapToDouble(shape -> number(shape, "executions")).sum();
      double millis = source.shapes().stream().mapToDouble(shape -> number(shape, "totalMs")).sum();
      html.append("<tr><td>").append(HtmlReport.escape(source.name())).append("</td>");
      cell(html, String.valueOf(source.findings().size()));
      cell(html, source.shapes().isEmpty() ? "" : whole(statements));
      cell(html, source.shapes().isEmpty() ? "" : whole(millis));
      cell(html, String.valueOf(source.endpoints().size()));
      html.append("</tr>\n");
    }
    html.append("</tbody></table></section>\n");

    if (sources.stream().anyMatch(source -> !source.endpoints().isEmpty())) {
      html.append("<section id=\"endpoints\"><h2>Endpoints</h2><table><thead><tr><th>source</th><th>endpoint</th>")
          .append("<th>requests</th><th>statements p95</th><th>database ms p95</th><th>database ms total</th>")
          .append("</tr></thead><tbody>\n");
      for (Source source : sources) {
        for (Map<String, Object> endpoint : source.endpoints()) {
          html.append("<tr><td>").append(HtmlReport.escape(source.name())).append("</td><td>")
              .append(HtmlReport.escape(String.valueOf(endpoint.get("endpoint")))).append("</td>");
          cell(html, whole(number(endpoint, "requests")));
          cell(html, whole(number(endpoint, "statementsP95")));
          cell(html, String.valueOf(number(endpoint, "databaseP95Ms")));
          cell(html, String.valueOf(number(endpoint, "databaseMs")));
          html.append("</tr>\n");
        }
      }
      html.append("</tbody></table></section>\n");
    }

    Map<String, double[]> shapes = new LinkedHashMap<>(); // sql -> sources, executions, total ms, worst p95
    for (Source source : sources) {
      for (Map<String, Object> shape : source.shapes()) {
        double[] sum = shapes.computeIfAbsent(String.valueOf(shape.get("sql")), sql -> new double[4]);
        sum[0]++;
        sum[1] += number(shape, "executions");
        sum[2] += number(shape, "totalMs");
        sum[3] = Math.max(sum[3], number(shape, "p95Ms"));
      }
    }
    if (!shapes.isEmpty()) {
      html.append("<section id=\"shapes\"><h2>Statement shapes</h2>")
          .append("<input id=\"filter\" type=\"search\" placeholder=\"filter statements\">")
          .append("<table id=\"shape-table\"><thead><tr><th>statement</th><th>sources</th><th>executions</th>")
          .append("<th>total ms</th><th>worst p95 ms</th></tr></thead><tbody>\n");
      shapes.entrySet().stream().sorted(Comparator.comparingDouble(
          (Map.Entry<String, double[]> each) -> each.getValue()[2]).reversed()).forEach(each -> {
            html.append("<tr><td><code>").append(HtmlReport.escape(each.getKey())).append("</code></td>");
            cell(html, whole(each.getValue()[0]));
            cell(html, whole(each.getValue()[1]));
            cell(html, String.format(Locale.ROOT, "%.2f", each.getValue()[2]));
            cell(html, String.valueOf(each.getValue()[3]));
            html.append("</tr>\n");
          });
      html.append("</tbody></table></section>\n");
    }
    html.append("<script>").append(HtmlReport.SCRIPT).append("</script>\n</body></html>\n");
    return html.toString();
  }

  private static void cell(StringBuilder html, String value) {
    html.append("<td class=\"n\">").append(value).append("</td>");
  }
}
