package io.querylens.record;

import io.querylens.callsite.CallSite;
import io.querylens.sql.StatementShape;

/**
 * What one unit of work saw of one statement shape: executions, distinct value sets, and which call sites issued them
 * with which values. Written only by the thread that owns the unit; read when the unit ends.
 *
 * <p>Call sites cost a stack walk, so the first execution of a shape in a unit is not walked (most shapes run once per
 * unit); from the second on each execution is walked, until one site has issued {@code threshold} distinct value sets
 * and {@link #WALKS_PER_THRESHOLD} times the threshold executions were walked (so that a second site looping beside
 * the first is still told apart). Later executions are credited to the confirmed site without walking: a loop of
 * thousands costs a bounded number of walks. The unwalked first execution is credited to the confirmed site, or to the
 * only site seen.
 */
public final class ShapeTally {

  private static final int MAX_TRACKED_VALUES = 256;
  private static final int MAX_SITES = 8;
  static final int WALKS_PER_THRESHOLD = 4;
  static final int MAX_WALKS_PER_THRESHOLD = 8;

  private final StatementShape shape;
  private int executions;
  private int setBasedExecutions;
  private int batchExecutions;
  private long totalNanos;
  private long maxNanos;
  private final ValueSet values = new ValueSet(true);

  private final SiteTally[] sites = new SiteTally[MAX_SITES];
  private int siteCount;
  private CallSite confirmedSite;
  private int walked;
  /** The first execution, when it was not walked: its values and time, credited at the end. */
  private boolean unattributed;
  private long unattributedHash;
  private long unattributedNanos;

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

  /**
   * The most single-row executions that ran with one and the same value set (1 when no values repeated). Exact while
   * the unit has seen at most 256 value sets of the shape.
   */
  public int maxRepeats() {
    return values.maxRepeats;
  }

  /** Distinct value sets (bind values and literals) among single-row executions, whatever their call site. */
  public int distinctValues() {
    return values.distinct;
  }

  /** The index of the call site credited with the most executions, or -1 when no site was walked. */
  public int busiestSite() {
    int busiest = -1;
    for (int i = 0; i < siteCount; i++) {
      if (busiest < 0 || siteExecutions(i) > siteExecutions(busiest)) {
        busiest = i;
      }
    }
    return busiest;
  }

  /** How many distinct call sites were seen. */
  public int siteCount() {
    return siteCount;
  }

  public CallSite site(int index) {
    return sites[index].site;
  }

  /** Executions credited to site {@code index} (see the class comment for the first execution). */
  public int siteExecutions(int index) {
    return sites[index].executions + (isCredited(index) ? 1 : 0);
  }

  /** Time spent in the executions credited to site {@code index}. */
  public long siteNanos(int index) {
    return sites[index].nanos + (isCredited(index) ? unattributedNanos : 0);
  }

  /** Distinct value sets among the executions credited to site {@code index}. */
  public int siteDistinctValues(int index) {
    SiteTally site = sites[index];
    return site.values.distinct + (isCredited(index) && !site.values.contains(unattributedHash) ? 1 : 0);
  }

  /** The raw SQL of one execution, only kept when parameters are shown. */
  public String sampleRawSql() {
    return sampleRawSql;
  }

  /** The parameters of one execution, only kept when parameters are shown. */
  public String sampleParameters() {
    return sampleParameters;
  }

  /**
   * Whether the next single-row execution, with values {@code valueHash}, needs its call site walked: not the first
   * one; then every one up to {@link #WALKS_PER_THRESHOLD} times the threshold; past that only new values while no
   * site is confirmed; never more than {@link #MAX_WALKS_PER_THRESHOLD} times the threshold. Repeated values alone
   * never cost more than the first few walks.
   */
  boolean needsCallSite(long valueHash, int threshold) {
    if (executions == 0 || walked >= Math.max(64, threshold * MAX_WALKS_PER_THRESHOLD)) {
      return false;
    }
    return walked < threshold * WALKS_PER_THRESHOLD || confirmedSite == null && !values.contains(valueHash);
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
    values.add(valueHash);
    if (site != null) {
      walked++;
    } else {
      site = confirmedSite;
    }
    if (site == null) {
      unattributed = true;
      unattributedHash = valueHash;
      unattributedNanos = nanos;
      return;
    }
    int index = indexOf(site);
    if (index < 0) {
      return;
    }
    SiteTally tally = sites[index];
    tally.executions++;
    tally.nanos += nanos;
    tally.values.add(valueHash);
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

  private boolean isCredited(int index) {
    if (!unattributed) {
      return false;
    }
    return confirmedSite != null ? sites[index].site.equals(confirmedSite) : siteCount == 1;
  }

  private int indexOf(CallSite site) {
    for (int i = 0; i < siteCount; i++) {
      if (sites[i].site == site || sites[i].site.equals(site)) {
        return i;
      }
    }
    if (siteCount == MAX_SITES) {
      return -1;
    }
    sites[siteCount] = new SiteTally(site);
    return siteCount++;
  }

  /** One call site's share of the shape's executions. */
  private static final class SiteTally {
    final CallSite site;
    int executions;
    long nanos;
    final ValueSet values = new ValueSet(false);

    SiteTally(CallSite site) {
      this.site = site;
    }
  }

  /**
   * Distinct value hashes: a small open-addressing set that grows as needed, exact for the first
   * {@link #MAX_TRACKED_VALUES}; past that every value counts as new (an N+1 that long is an N+1 whatever the rest
   * are). Lookups stay O(1) however long the unit; a shape run once per unit costs one 8-slot array.
   */
  private static final class ValueSet {
    private long[] slots;
    /** How often each slot's value was added; kept only by the shape-wide set (repeated queries). */
    private int[] counts;
    private final boolean counting;
    private boolean hasZero;
    private int zeroCount;
    private int tracked;
    int distinct;
    /** The most times one value set was added, and that value set's hash. */
    int maxRepeats;
    long mostRepeated;

    ValueSet(boolean counting) {
      this.counting = counting;
    }

    boolean contains(long hash) {
      if (hash == 0) {
        return hasZero;
      }
      if (slots == null) {
        return false;
      }
      int mask = slots.length - 1;
      for (int i = index(hash, mask); ; i = (i + 1) & mask) {
        long slot = slots[i];
        if (slot == hash) {
          return true;
        }
        if (slot == 0) {
          return false;
        }
      }
    }

    /** Adds one value set: one probe of the table, which finds the value or the free slot it goes in. */
    void add(long hash) {
      if (hash == 0) {
        if (hasZero) {
          if (counting) {
            count(hash, ++zeroCount);
          }
          return;
        }
        if (track()) {
          hasZero = true;
          zeroCount = 1;
          count(hash, 1);
        }
        return;
      }
      if (slots == null) {
        if (track()) {
          slots = new long[8];
          counts = counting ? new int[8] : null;
          insert(hash, 1);
          count(hash, 1);
        }
        return;
      }
      int mask = slots.length - 1;
      int free = index(hash, mask);
      for (long slot; (slot = slots[free]) != 0; free = (free + 1) & mask) {
        if (slot == hash) {
          if (counting) {
            count(hash, ++counts[free]);
          }
          return;
        }
      }
      if (!track()) {
        return;
      }
      if (tracked * 2 > slots.length) {
        grow();
        insert(hash, 1);
      } else {
        slots[free] = hash;
        if (counts != null) {
          counts[free] = 1;
        }
      }
      count(hash, 1);
    }

    /** Counts a new distinct value; true while the set still keeps values (the first {@link #MAX_TRACKED_VALUES}). */
    private boolean track() {
      distinct++;
      if (tracked == MAX_TRACKED_VALUES) {
        return false;
      }
      tracked++;
      return true;
    }

    private void grow() {
      long[] old = slots;
      int[] oldCounts = counts;
      slots = new long[old.length * 2];
      counts = counting ? new int[old.length * 2] : null;
      for (int i = 0; i < old.length; i++) {
        if (old[i] != 0) {
          insert(old[i], oldCounts == null ? 0 : oldCounts[i]);
        }
      }
    }

    private void count(long hash, int times) {
      if (times > maxRepeats) {
        maxRepeats = times;
        mostRepeated = hash;
      }
    }

    private void insert(long hash, int times) {
      int mask = slots.length - 1;
      int i = index(hash, mask);
      while (slots[i] != 0) {
        i = (i + 1) & mask;
      }
      slots[i] = hash;
      if (counts != null) {
        counts[i] = times;
      }
    }

    private static int index(long hash, int mask) {
      return (int) (hash ^ (hash >>> 32)) & mask;
    }
  }
}
