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
  private static final java.lang.invoke.VarHandle PLAN_CLAIMED;

  static {
    try {
      PLAN_CLAIMED = java.lang.invoke.MethodHandles.lookup()
          .findVarHandle(StatementShape.class, "planClaimed", boolean.class);
    } catch (ReflectiveOperationException impossible) {
      throw new ExceptionInInitializerError(impossible);
    }
  }

  /** Whether someone took on planning this shape (index advice): read on every execution, set once. */
  private volatile boolean planClaimed;
  private volatile boolean planFinished;
  /** See {@link #detectorsDone()}. */
  private int detectorsDone;

  StatementShape(int id, String sql, StatementKind kind, boolean placeholder) {
    this.id = id;
    this.sql = sql;
    this.kind = kind;
    this.placeholder = placeholder;
    this.paged = kind == StatementKind.SELECT && PAGED.matcher(sql).find();
    this.limited = kind == StatementKind.SELECT && LIMITED.matcher(sql).find();
  }

  /** A row limit in any form: LIMIT, FETCH FIRST/NEXT, TOP, ROWNUM. */
  private static final java.util.regex.Pattern LIMITED = java.util.regex.Pattern.compile(
      "\\blimit\\b|\\bfetch\\s+(first|next)\\b|\\btop\\s*\\(?\\s*[?0-9]|\\brownum\\b");

  private final boolean limited;

  /** Whether it is a SELECT that limits its rows somewhere (LIMIT, FETCH FIRST, TOP, ROWNUM): told once. */
  public boolean isLimited() {
    return limited;
  }

  /** An OFFSET, or MySQL's {@code LIMIT m, n}: what pagination by offset looks like in a shape. */
  private static final java.util.regex.Pattern PAGED =
      java.util.regex.Pattern.compile("\\boffset\\b|\\blimit\\s+\\?\\s*,");

  private final boolean paged;

  /** Whether it is a SELECT that skips rows with OFFSET (or {@code LIMIT m, n}): told once, from its text. */
  public boolean isPaged() {
    return paged;
  }

  /**
   * The longest execution whose rows were read and were too few to report as an unbounded result set, and when it
   * ended: a later one no slower is not asked until that is a second old (so one stalled by a pause, or a cold first
   * run, hides the others for a second at most). Racy on purpose: a stale value costs one more read.
   */
  private long fewRowsLongestNanos;
  private long fewRowsLongestAtNanos;

  private static final long FEW_ROWS_MAX_AGE_NANOS = 1_000_000_000L;

  /**
   * How long an execution ending at {@code nowNanos} must have taken for its rows to be worth reading: longer than
   * the longest one read in the last second that returned too few; 0 when none was.
   */
  public long rowsCheckedUpToNanos(long nowNanos) {
    long upTo = fewRowsLongestNanos;
    return upTo != 0 && nowNanos - fewRowsLongestAtNanos <= FEW_ROWS_MAX_AGE_NANOS ? upTo : 0;
  }

  /** An execution this long, ended at {@code endNanos}, returned too few rows to report. */
  public void rowsCheckedUpTo(long nanos, long endNanos) {
    if (nanos > rowsCheckedUpToNanos(endNanos)) {
      fewRowsLongestAtNanos = endNanos;
      fewRowsLongestNanos = nanos;
    }
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

  /** Whether planning this shape was taken on already (index advice plans each shape once). */
  public boolean isPlanClaimed() {
    return planClaimed;
  }

  /** Takes on planning this shape: true for the one caller that did. */
  public boolean claimPlan() {
    return !planClaimed && PLAN_CLAIMED.compareAndSet(this, false, true);
  }

  /** Whether planning was taken on and has not finished: a finding it may make is still to come. */
  public boolean isPlanPending() {
    return planClaimed && !planFinished;
  }

  /** Planning this shape is over, whatever it found (or if it was given up for good). */
  public void planFinished() {
    planFinished = true;
  }

  /** Gives planning this shape back (it could not be done now): the next qualifying execution may claim it again. */
  public void releasePlan() {
    planClaimed = false;
  }

  /**
   * The detectors (bits by their index in the run's detector set) that said later executions of this shape cannot lead
   * them to a finding. Plain, racy: a mark lost to a race only costs a call the mark would have saved.
   */
  public int detectorsDone() {
    return detectorsDone;
  }

  /** Marks a detector (its bit) done with this shape; see {@link #detectorsDone()}. */
  public void markDetectorDone(int bit) {
    detectorsDone |= bit;
  }

  void setStructure(SqlStructure analysed) {
    structure = analysed;
  }

  @Override
  public String toString() {
    return sql;
  }
}
