package io.querylens.pool;

import java.util.ArrayList;
import java.util.List;

/**
 * A pool's connections in use and threads waiting over the run, for a chart: every tick (about 100 ms) the worker adds
 * the most connections out at once since the last tick and the threads waiting (a millisecond or more) in
 * {@code getConnection()}; each point holds the highest of one interval. Intervals start at one second; when the
 * {@value #CAPACITY} points are full, neighbours merge and intervals double, so a run of any length fits in the same
 * few kilobytes.
 */
public final class PoolTimeline {

  static final int CAPACITY = 360;
  private static final long FIRST_INTERVAL_NANOS = 1_000_000_000L;

  private final long startNanos;
  private long intervalNanos = FIRST_INTERVAL_NANOS;
  private final int[] inUse = new int[CAPACITY];
  private final int[] waiting = new int[CAPACITY];
  /** Points filled, the last one possibly still open. */
  private int points;

  /**
   * One point of the timeline.
   *
   * @param fromMillis when its interval started, in milliseconds since querylens started watching the pool
   * @param toMillis when it ended
   * @param inUse the most connections out at once in it
   * @param waiting the most threads seen waiting in {@code getConnection()} at once in it
   */
  public record Point(long fromMillis, long toMillis, int inUse, int waiting) {}

  public PoolTimeline(long startNanos) {
    this.startNanos = startNanos;
  }

  /** Adds what one tick saw at {@code nowNanos}. */
  public synchronized void add(long nowNanos, int peakInUse, int peakWaiting) {
    long index = Math.max(0, nowNanos - startNanos) / intervalNanos;
    while (index >= CAPACITY) {
      halve();
      index = Math.max(0, nowNanos - startNanos) / intervalNanos;
    }
    int at = (int) index;
    inUse[at] = Math.max(inUse[at], peakInUse);
    waiting[at] = Math.max(waiting[at], peakWaiting);
    points = Math.max(points, at + 1);
  }

  private void halve() {
    for (int i = 0; i < CAPACITY / 2; i++) {
      inUse[i] = Math.max(inUse[2 * i], inUse[2 * i + 1]);
      waiting[i] = Math.max(waiting[2 * i], waiting[2 * i + 1]);
    }
    for (int i = CAPACITY / 2; i < CAPACITY; i++) {
      inUse[i] = 0;
      waiting[i] = 0;
    }
    points = (points + 1) / 2;
    intervalNanos *= 2;
  }

  /** The points so far, oldest first. */
  public synchronized List<Point> points() {
    List<Point> copy = new ArrayList<>(points);
    long intervalMillis = intervalNanos / 1_000_000;
    for (int i = 0; i < points; i++) {
      copy.add(new Point(i * intervalMillis, (i + 1) * intervalMillis, inUse[i], waiting[i]));
    }
    return copy;
  }
}
