package io.querylens.record;

import io.querylens.callsite.CallSite;
import io.querylens.sql.StatementShape;

/**
 * What one unit of work saw of one statement shape: executions, distinct value sets, and which call sites issued them.
 * Written only by the thread that owns the unit; read when the unit ends.
 *
 * <p>Call sites cost a stack walk, so the first execution of a shape is not walked (most shapes run once per unit);
 * from the second on each execution is walked until one site has issued {@code threshold} distinct value sets, after
 * which further executions are credited to that site without walking.
 */
public final class ShapeTally {

  private static final int MAX_TRACKED_VALUES = 64;
  private static final int MAX_SITES = 8;

  private final StatementShape shape;
  private int executions;
  private int setBasedExecutions;
  private int batchExecutions;
  private long totalNanos;
  private long maxNanos;

  private final long[] valueHashes = new long[MAX_TRACKED_VALUES];
  private int trackedValues;
  private int distinctValues;

  private final CallSite[] sites = new CallSite[MAX_SITES];
  private final int[] siteExecutions = new int[MAX_SITES];
  private final int[] siteDistinct = new int[MAX_SITES];
  private final long[] siteNanos = new long[MAX_SITES];
  private int siteCount;
  private int unattributedExecutions;
  private int unattributedDistinct;
  private long unattributedNanos;
  private CallSite confirmedSite;

  private String sampleRawSql;
  private String sampleParameters;

  ShapeTally(StatementShape shape) {
    this.shape = shape;
  }

  public StatementShape shape() {
    return shape;
  }

  /** All executions of the shape in the unit, set-based and batched ones included. */
  public int executions() {
    return executions;
  }

  /** Executions that read a set of keys at once (IN list of several, {@code = ANY(?)}). */
  public int setBasedExecutions() {
    return setBasedExecutions;
  }

  /** Executions that were JDBC batches. */
  public int batchExecutions() {
    return batchExecutions;
  }

  public long totalNanos() {
    return totalNanos;
  }

  public long maxNanos() {
    return maxNanos;
  }

  /** Distinct value sets (bind values and literals) among single-row executions. */
  public int distinctValues() {
    return distinctValues;
  }

  /** How many distinct call sites were seen. */
  public int siteCount() {
    return siteCount;
  }

  public CallSite site(int index) {
    return sites[index];
  }

  /**
   * Executions credited to site {@code index}. Executions made before any walk are credited to the site when it is the
   * only one, or the one confirmed by reaching the threshold.
   */
  public int siteExecutions(int index) {
    return siteExecutions[index] + (isCreditedSite(index) ? unattributedExecutions : 0);
  }

  /** Time spent in the executions credited to site {@code index} (see {@link #siteExecutions}). */
  public long siteNanos(int index) {
    return siteNanos[index] + (isCreditedSite(index) ? unattributedNanos : 0);
  }

  /** Distinct value sets credited to site {@code index} (see {@link #siteExecutions}). */
  public int siteDistinctValues(int index) {
    return siteDistinct[index] + (isCreditedSite(index) ? unattributedDistinct : 0);
  }

  /** The raw SQL of one execution, only kept when parameters are shown. */
  public String sampleRawSql() {
    return sampleRawSql;
  }

  /** The parameters of one execution, only kept when parameters are shown. */
  public String sampleParameters() {
    return sampleParameters;
  }

  /** Whether the next single-row execution needs its call site walked. */
  boolean needsCallSite() {
    return executions >= 1 && confirmedSite == null;
  }

  void recordBatch(long nanos) {
    executions++;
    batchExecutions++;
    addTime(nanos);
  }

  void recordSetBased(long nanos) {
    executions++;
    setBasedExecutions++;
    addTime(nanos);
  }

  /**
   * Records a single-row execution.
   *
   * @param valueHash hash of its bind values and literals
   * @param site its call site, or null when it was not walked
   * @param threshold distinct value sets from one site that confirm it
   */
  void record(long nanos, long valueHash, CallSite site, int threshold) {
    executions++;
    addTime(nanos);
    boolean newValue = addValue(valueHash);
    if (site == null) {
      site = confirmedSite;
    }
    if (site == null) {
      unattributedExecutions++;
      unattributedNanos += nanos;
      if (newValue) {
        unattributedDistinct++;
      }
      return;
    }
    int index = indexOf(site);
    if (index < 0) {
      return;
    }
    siteExecutions[index]++;
    siteNanos[index] += nanos;
    if (newValue) {
      siteDistinct[index]++;
    }
    if (confirmedSite == null && siteDistinctValues(index) >= threshold) {
      confirmedSite = site;
    }
  }

  void keepSample(String rawSql, String parameters) {
    if (sampleRawSql == null) {
      sampleRawSql = rawSql;
      sampleParameters = parameters;
    }
  }

  private void addTime(long nanos) {
    totalNanos += nanos;
    if (nanos > maxNanos) {
      maxNanos = nanos;
    }
  }

  private boolean isCreditedSite(int index) {
    CallSite site = sites[index];
    return confirmedSite != null ? site == confirmedSite : siteCount == 1;
  }

  /** Adds a value set; true when it had not been seen in this unit. Past the tracked maximum, each counts as new. */
  private boolean addValue(long hash) {
    for (int i = 0; i < trackedValues; i++) {
      if (valueHashes[i] == hash) {
        return false;
      }
    }
    if (trackedValues < MAX_TRACKED_VALUES) {
      valueHashes[trackedValues++] = hash;
    }
    distinctValues++;
    return true;
  }

  private int indexOf(CallSite site) {
    for (int i = 0; i < siteCount; i++) {
      if (sites[i] == site) {
        return i;
      }
    }
    if (siteCount == MAX_SITES) {
      return -1;
    }
    sites[siteCount] = site;
    return siteCount++;
  }
}
