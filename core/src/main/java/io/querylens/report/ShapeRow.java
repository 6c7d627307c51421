package io.querylens.report;

import io.querylens.sql.StatementShape;
import io.querylens.stats.ShapeStats;
import java.util.Comparator;
import java.util.List;

/**
 * A statement shape with its statistics read once, for the reports (the shutdown summary, the HTML page, the shapes
 * file).
 *
 * @param shape the shape
 * @param stats its statistics when read
 */
public record ShapeRow(StatementShape shape, ShapeStats.Snapshot stats) {

  /** Every shape that ran, the most total time first. */
  public static List<ShapeRow> byTotalTime(List<StatementShape> shapes) {
    return shapes.stream().map(shape -> new ShapeRow(shape, shape.stats().snapshot()))
        .filter(row -> row.stats().executions() > 0)
        .sorted(Comparator.comparingLong((ShapeRow row) -> row.stats().totalNanos()).reversed())
        .toList();
  }

  /** The shape's text. */
  public String sql() {
    return shape.sql();
  }
}
