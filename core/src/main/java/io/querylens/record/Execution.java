package io.querylens.record;

import io.querylens.callsite.CallSite;
import io.querylens.callsite.CallSiteResolver;
import io.querylens.sql.ResolvedSql;
import io.querylens.sql.StatementKind;
import io.querylens.sql.StatementShape;

/**
 * The statement execution in progress on one thread. One instance per thread, reused for every execution, so the hot
 * path allocates nothing for it. Detectors see it in {@code onExecution}; it is only valid during that call.
 */
public final class Execution {

  private final CallSiteResolver callSites;
  final ThreadState thread;

  // Set when the outermost instrumented execute* is entered.
  Object statement;
  String sql;
  int depth;
  boolean batch;
  long startNanos;
  /** A nested execute* (a pool's proxy delegating to the driver) whose statement may know the SQL the outer lacks. */
  Object nestedStatement;
  String nestedSql;

  // Filled in when the execution completes.
  ResolvedSql resolved;
  long durationNanos;
  boolean failed;
  int batchSize;
  /** Hash of the bind values and literals of a single-row execution; 0 for batches and set-based reads. */
  long valueHash;
  UnitOfWork unit;
  private CallSite callSite;
  private long returnedRows = NOT_READ;

  private static final long NOT_READ = Long.MIN_VALUE;

  Execution(ThreadState thread, CallSiteResolver callSites) {
    this.thread = thread;
    this.callSites = callSites;
  }

  public StatementShape shape() {
    return resolved.shape();
  }

  /** What it does; known from its SQL also when its shape is a placeholder (past {@code shapes.max}). */
  public StatementKind kind() {
    return resolved.kind();
  }

  /** Its normalized SQL; its own also when its shape is a placeholder (past {@code shapes.max}). */
  public String shapeSql() {
    return resolved.shapeSql();
  }

  /** Whether it ran a prepared statement (its {@code ?} are bind markers), not SQL given to {@code execute(sql)}. */
  public boolean isPrepared() {
    return sql == null;
  }

  /** The SQL as the application passed it: contains literals; only report it when parameters are shown. */
  public String rawSql() {
    return resolved.raw();
  }

  public long durationNanos() {
    return durationNanos;
  }

  /** When it ended, on {@link System#nanoTime()}'s clock. */
  public long endNanos() {
    return startNanos + durationNanos;
  }

  /** When it started, in {@link System#nanoTime()} terms. */
  public long startNanos() {
    return startNanos;
  }

  public boolean failed() {
    return failed;
  }

  /** True for {@code executeBatch}. */
  public boolean isBatch() {
    return batch;
  }

  /** Rows in the batch (entries of {@code executeBatch}'s result), 0 for a single execution or a failed batch. */
  public int batchSize() {
    return batchSize;
  }

  /** Hash of the bind values and literals (0 for batches and set-based reads): equal values, equal hashes. */
  public long valueHash() {
    return valueHash;
  }

  /** Whether its SQL carried literal values (numbers, strings) where bind parameters could have been. */
  public boolean hasInlineLiterals() {
    return resolved.literalHash() != 0;
  }

  /** A hash of the literal values in its SQL (not its bind values): equal literals, equal hashes; 0 without any. */
  public long literalHash() {
    return resolved.literalHash();
  }

  /** Whether it read a set of keys at once (an IN list of several values, {@code = ANY(?)}). */
  public boolean isSetBased() {
    return resolved.multiValued();
  }

  /** The parameters (bit i for parameter i, 1 to 63) bound to a string starting with {@code %} or {@code _}. */
  public long leadingWildcardParameters() {
    return thread.leadingWildcardParameters(statement);
  }

  /** The items of its {@code IN (...)} lists (of one item too), 0 when it has none. */
  public int listItems() {
    return resolved.listItems();
  }

  /** The name of the thread that ran it. */
  public String threadName() {
    return thread.threadName;
  }

  /** The thread that ran it (null once collected). */
  public Thread thread() {
    return thread.thread.get();
  }

  /**
   * The connection it ran on as querylens tracks it (the one its thread took last and has not closed), or null when
   * that connection was taken before querylens watched, or is not tracked.
   */
  public io.querylens.pool.Checkout checkout() {
    return thread.connections.latest();
  }

  /** The unit of work it ran in. */
  public UnitOfWork unit() {
    return unit;
  }

  /** The application call site; walks the stack the first time it is asked for. Call only on the executing thread. */
  public CallSite callSite() {
    CallSite site = callSite;
    if (site == null) {
      site = callSites.capture();
      callSite = site;
    }
    return site;
  }

  /**
   * The whole number bound to parameter {@code index} (1-based, as in {@code setLong(index, ...)}, up to the 32nd) for
   * this execution, or {@code Long.MIN_VALUE} when none is known. Call only on the executing thread.
   */
  public long boundLong(int index) {
    return thread.boundLong(statement, index);
  }

  /**
   * The rows the query returned, read from the driver's result set without touching a row (H2, PostgreSQL), or -1
   * when that cannot be told. The first ask of an execution costs a few reflective calls (later ones return what it
   * read): ask only when it matters. Call only on the executing thread, during {@code onExecution}.
   */
  public long returnedRows() {
    long rows = returnedRows;
    if (rows == NOT_READ) {
      rows = ResultRows.returned(nestedStatement != null ? nestedStatement : statement);
      returnedRows = rows;
    }
    return rows;
  }

  /** Whether {@link #returnedRows()} was already asked for this execution (so asking again costs nothing). */
  public boolean rowsRead() {
    return returnedRows != NOT_READ;
  }

  /** The current bind values, rendered, or null when parameters are not being kept. */
  public String parameters() {
    return thread.renderParameters(statement);
  }

  void reset() {
    statement = null;
    sql = null;
    nestedStatement = null;
    nestedSql = null;
    resolved = null;
    unit = null;
    callSite = null;
    returnedRows = NOT_READ;
    batch = false;
    failed = false;
    batchSize = 0;
    valueHash = 0;
  }
}
