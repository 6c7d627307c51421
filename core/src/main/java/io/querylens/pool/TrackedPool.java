package io.querylens.pool;

import io.querylens.stats.LatencyHistogram;
import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One source of connections the application takes from (a pool, a {@code DataSource}, {@code DriverManager}), with
 * what querylens counted about it. Counters are updated lock-free on application threads; the name and the pool's
 * own readings are filled in by the worker.
 */
public final class TrackedPool {

  private final int number;
  private final PoolKind kind;
  /** The pool itself for pools; null for unpooled sources, which are tracked per class. */
  private final WeakReference<Object> source;
  private final String className;
  private volatile String name;
  /** Threads waiting in its getConnection() (a millisecond or more) at the worker's last look. */
  volatile int waitingThreads;

  /** Threads that were waiting in its getConnection() (a millisecond or more) when the worker last looked. */
  public int waitingThreads() {
    return waitingThreads;
  }

  /** Call sites recorded for this pool's checkouts (racy: it only decides when sampling starts). */
  int sitesRecorded;
  /** Until when (nanoTime) every checkout records its call site; 0: not armed. */
  private volatile long everySiteUntilNanos;

  /** Whether every checkout of this pool records its call site now (armed by a detector). */
  boolean recordsEverySite(long nowNanos) {
    long until = everySiteUntilNanos;
    return until != 0 && nowNanos - until < 0;
  }

  /**
   * Every checkout of this pool records its call site for the next {@code forNanos}: after a leak whose site was not
   * recorded, or while the pool runs dry (its holders are what an exhaustion finding names).
   */
  public void recordEverySiteFor(long nowNanos, long forNanos) {
    long until = nowNanos + forNanos;
    if (until == 0) {
      until = 1;
    }
    if (everySiteUntilNanos == 0 || until - everySiteUntilNanos > 0) {
      everySiteUntilNanos = until;
    }
  }

  /** Whether the worker has the pool's own name, or gave up asking. Worker only. */
  boolean named;
  int namingAttempts;

  final LongAdder failures = new LongAdder();
  final AtomicLong timeouts = new AtomicLong();
  /** Checked-out connections not yet closed, as querylens tracks them. */
  final AtomicInteger inUse = new AtomicInteger();
  /** Threads inside its {@code getConnection()} at the worker's last look (counted there, not per checkout). */
  private volatile int acquiring;
  private volatile int peakInUse;
  private volatile int peakAcquiring;
  /** The peak since the worker last added a point to the timeline (it resets it to what is out then). */
  private final AtomicInteger tickPeakInUse = new AtomicInteger();
  private final PoolTimeline timeline = new PoolTimeline(System.nanoTime());
  private final AtomicLong longestWaitNanos = new AtomicLong();
  final LatencyHistogram waits = new LatencyHistogram();
  final LatencyHistogram usage = new LatencyHistogram();
  private final AtomicLong longestUseNanos = new AtomicLong();
  /** The last readings the worker took; {@link PoolReadings#NONE} before. */
  private volatile PoolReadings readings = PoolReadings.NONE;

  TrackedPool(int number, PoolKind kind, Object source) {
    this.number = number;
    this.kind = kind;
    this.source = kind.isPooled() ? new WeakReference<>(source) : null;
    this.className = source.getClass().getName();
    this.name = fallbackName();
  }

  private String fallbackName() {
    String simple = className.substring(className.lastIndexOf('.') + 1);
    return kind == PoolKind.DRIVER ? "DriverManager (" + simple + ")"
        : kind.isPooled() ? simple + "-" + number : simple + " (unpooled)";
  }

  /**
   * Numbers the pools in the order first seen, never twice in a run (not even once a pool is collected): a key that,
   * unlike the name, names one pool.
   */
  public int number() {
    return number;
  }

  /** What the pool is called: its own name (HikariCP's pool name, ...) when it has one. */
  public String name() {
    return name;
  }

  public PoolKind kind() {
    return kind;
  }

  /** The pool object, or null (collected, or an unpooled source tracked by class). */
  Object source() {
    return source == null ? null : source.get();
  }

  boolean isFor(Object candidate, PoolKind candidateKind) {
    return source != null ? source.get() == candidate
        : candidateKind == kind && candidate.getClass().getName().equals(className);
  }

  /** Whether {@code candidate} is this pool's object: one reference compare, no class lookup. */
  boolean isPoolObject(Object candidate) {
    return source != null && source.refersTo(candidate);
  }

  boolean isCollected() {
    return source != null && source.get() == null;
  }

  void rename(String given) {
    if (given != null) {
      name = given;
    }
  }

  void read(PoolReadings now) {
    readings = now;
  }

  /** The pool's own figures as last read (about every 100 ms while querylens runs). */
  public PoolReadings readings() {
    return readings;
  }

  /** Connections taken: each one's wait is in {@link #waits()}. */
  public long acquisitions() {
    return waits.count();
  }

  /** {@code getConnection()} calls that threw. */
  public long failures() {
    return failures.sum();
  }

  /** {@code getConnection()} calls that gave up waiting for a free connection. */
  public long timeouts() {
    return timeouts.get();
  }

  /** Connections taken and not yet closed. */
  public int inUse() {
    return inUse.get();
  }

  /** Threads inside {@code getConnection()} at the worker's last look (about every 100 ms). */
  public int acquiring() {
    return acquiring;
  }

  public int peakInUse() {
    return peakInUse;
  }

  /** Most threads inside {@code getConnection()} at one of the worker's looks. */
  public int peakAcquiring() {
    return peakAcquiring;
  }

  public long longestWaitNanos() {
    return longestWaitNanos.get();
  }

  public long longestUseNanos() {
    return longestUseNanos.get();
  }

  /** Connections in use and threads waiting over the run. */
  public PoolTimeline timeline() {
    return timeline;
  }

  /**
   * Adds to the timeline the most connections out at once since the last tick and the threads waiting now (a
   * millisecond or more), and starts the next tick's peak from what is out now. Worker, after counting the waiting.
   */
  void addToTimeline(long nowNanos) {
    int out = inUse.get();
    int inUsePeak = tickPeakInUse.getAndSet(out);
    timeline.add(nowNanos, Math.max(inUsePeak, out), waitingThreads);
  }

  /** How long {@code getConnection()} took. */
  public LatencyHistogram waits() {
    return waits;
  }

  /** How long connections were held, from {@code getConnection()} to {@code close()}. */
  public LatencyHistogram usage() {
    return usage;
  }

  /** What the worker counted: threads inside its {@code getConnection()} now, and those among them waiting. */
  void counted(int acquiringNow, int waitingNow) {
    acquiring = acquiringNow;
    waitingThreads = waitingNow;
    if (acquiringNow > peakAcquiring) {
      peakAcquiring = acquiringNow;
    }
  }

  void acquired(long waitNanos) {
    waits.record(waitNanos);
    raise(longestWaitNanos, waitNanos);
    int now = inUse.incrementAndGet();
    if (now > peakInUse) {
      peakInUse = now;
    }
    int tickPeak = tickPeakInUse.get();
    while (now > tickPeak && !tickPeakInUse.compareAndSet(tickPeak, now)) { // written only when it grows
      tickPeak = tickPeakInUse.get();
    }
  }

  void acquisitionFailed(long waitNanos, boolean timedOut) {
    failures.increment();
    if (timedOut) {
      timeouts.incrementAndGet();
    }
    raise(longestWaitNanos, waitNanos);
  }

  void released(long heldNanos) {
    inUse.decrementAndGet();
    usage.record(heldNanos);
    raise(longestUseNanos, heldNanos);
  }

  /** A checkout forgotten without a close (its connection was collected, or the table was full). */
  void forgotten() {
    inUse.decrementAndGet();
  }

  private static void raise(AtomicLong max, long value) {
    long current = max.get();
    while (value > current && !max.compareAndSet(current, value)) {
      current = max.get();
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
