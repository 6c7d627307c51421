package io.querylens.report;

import io.querylens.detect.SqlText;
import io.querylens.sql.StatementShape;
import io.querylens.stats.ShapeStats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The statement shapes of a run as JSON Lines, one object per shape that ran, most total time first, written when
 * querylens shuts down (the {@code shapes.report} setting; by default beside the findings report: {@code
 * findings.jsonl} gives {@code findings.shapes.jsonl}). What a fleet report ranks findings by: the database time of
 * the statement each is about. Shapes only, never values.
 */
public final class ShapeReport {

  /** Shapes written at most: the costliest. */
  static final int MAX_SHAPES = 1_000;

  private ShapeReport() {}

  /** Where the shapes go: {@code configured} if set ({@code none}: nowhere), else beside {@code findingsReport}. */
  public static Path pathFor(String configured, String findingsReport) {
    return ReportFiles.besideReport(configured, findingsReport, ".shapes.jsonl");
  }

  /** Replaces {@code path} with one line per shape that ran; on failure says so once. */
  public static void write(Path path, List<StatementShape> shapes) {
    List<String> lines = new ArrayList<>();
    for (ShapeRow row : ShapeRow.byTotalTime(shapes)) {
      if (lines.size() == MAX_SHAPES) {
        break;
      }
      lines.add(toJson(row.shape(), row.stats()));
    }
    ReportFiles.replaceLines(path, lines, "shapes report");
  }

  static String toJson(StatementShape shape, ShapeStats.Snapshot stats) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("sql", shape.sql());
    fields.put("kind", shape.kind().name().toLowerCase(java.util.Locale.ROOT));
    fields.put("executions", stats.executions());
    fields.put("totalMs", SqlText.millisValue(stats.totalNanos()));
    fields.put("meanMs", SqlText.millisValue(stats.meanNanos()));
    fields.put("p50Ms", SqlText.millisValue(stats.p50Nanos()));
    fields.put("p95Ms", SqlText.millisValue(stats.p95Nanos()));
    fields.put("p99Ms", SqlText.millisValue(stats.p99Nanos()));
    fields.put("maxMs", SqlText.millisValue(stats.maxNanos()));
    fields.put("failures", stats.failures());
    ShapeStats.RowFigures rows = shape.stats().rows();
    if (rows != null) {
      fields.put("rowsMean", Math.round(rows.mean() * 10) / 10.0);
      fields.put("rowsMax", rows.max());
    }
    StringBuilder line = new StringBuilder(256);
    Json.value(line, fields);
    return line.toString();
  }
}
