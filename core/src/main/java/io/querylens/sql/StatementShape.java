package io.querylens.sql;

import io.querylens.stats.ShapeStats;

/**
 * One distinct statement shape, interned: every raw SQL string that normalizes to the same text shares this object,
 * its statistics and its analysis.
 */
public final class StatementShape {

  private final int id;
  private final String sql;
  private final StatementKind kind;
  private final boolean placeholder;
  private final ShapeStats stats = new ShapeStats();
  private volatile SqlStructure structure;
  /** Analyses made; only the worker analyses, so a plain int is enough. */
  private int analyses;

  private static final int MAX_ANALYSES = 3;

  StatementShape(int id, String sql, StatementKind kind, boolean placeholder) {
    this.id = id;
    this.sql = sql;
    this.kind = kind;
    this.placeholder = placeholder;
  }

  /** A small number unique to this shape in this run. */
  public int id() {
    return id;
  }

  /** The normalized SQL: no literal or bind value in it. */
  public String sql() {
    return sql;
  }

  public StatementKind kind() {
    return kind;
  }

  /**
   * True for the stand-ins used when the SQL is not known (a statement prepared before querylens saw it) or when
   * {@code shapes.max} was reached. Detectors do not report on them; statistics still count them.
   */
  public boolean isPlaceholder() {
    return placeholder;
  }

  public ShapeStats stats() {
    return stats;
  }

  /** The analysis, or null while it has not been made yet (it is made off the application thread). */
  public SqlStructure structure() {
    return structure;
  }

  /**
   * Returns the analysis, making it now with {@code analyzer} if nobody has yet. An analysis that fell back for a
   * passing reason (a parse timeout on a cold JVM, say) is made again, up to {@link #MAX_ANALYSES} times.
   */
  public SqlStructure structure(SqlAnalyzer analyzer) {
    SqlStructure current = structure;
    if (current == null || SqlAnalyzer.isTransient(current) && analyses < MAX_ANALYSES) {
      analyses++;
      current = analyzer.analyze(sql);
      structure = current;
    }
    return current;
  }

  void setStructure(SqlStructure analysed) {
    structure = analysed;
  }

  @Override
  public String toString() {
    return sql;
  }
}
