package io.querylens.report;

import io.querylens.detect.Detection;
import io.querylens.detect.DetectionSink;
import io.querylens.detect.FindingOverlaps;
import io.querylens.finding.Finding;
import io.querylens.internal.BoundedQueue;
import io.querylens.internal.Diagnostics;
import io.querylens.sql.SqlAnalyzer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Takes detections from application threads (a bounded, lock-free queue) and, on querylens' worker, turns each new
 * distinct problem into one finding for every sink. A problem seen again is only counted: users read each problem
 * once, and the summary says how often it came back.
 *
 * <p>A finding another may explain (a slow query, values written into SQL; see {@link FindingOverlaps}) is held back
 * for a moment ({@value #HOLD_MILLIS} ms, or while its shape is still being planned for a missing index, up to
 * {@value #PLAN_HOLD_MILLIS} ms): when the finding that explains it arrives for the same shape, users get that one
 * finding carrying what the other saw, not two.
 */
public final class Reporter implements DetectionSink {

  private final BoundedQueue<Detection> queue;
  private final List<FindingSink> sinks;
  private final SqlAnalyzer analyzer;
  private final int maxProblems;
  /** Written by the worker only; read under its lock for snapshots. */
  private final Map<String, Problem> problems = new LinkedHashMap<>();
  /** Detections waiting for a finding that explains them (worker only), oldest first. */
  private final ArrayDeque<Held> held = new ArrayDeque<>();
  /** Overlap keys of what reported findings explain (worker only; a few per problem at most). */
  private final Set<String> explained = new HashSet<>();
  private final Suppressions suppressions;
  /** Keys of the suppressed problems, so that their comebacks are not described again (bounded). */
  private final Set<String> suppressedKeys = new HashSet<>();

  private static final long HOLD_MILLIS = 1_000;
  private static final long PLAN_HOLD_MILLIS = 10_000;
  private static final int MAX_HELD = 1_000;

  private record Held(Detection detection, String key, long sinceNanos) {}

  public Reporter(List<FindingSink> sinks, SqlAnalyzer analyzer, int queueCapacity, int maxProblems) {
    this(sinks, analyzer, queueCapacity, maxProblems, Suppressions.NONE);
  }

  /** A reporter that keeps the findings {@code suppressions} name from its sinks, counting them instead. */
  public Reporter(List<FindingSink> sinks, SqlAnalyzer analyzer, int queueCapacity, int maxProblems,
      Suppressions suppressions) {
    this.queue = new BoundedQueue<>(queueCapacity);
    this.sinks = List.copyOf(sinks);
    this.analyzer = analyzer;
    this.maxProblems = maxProblems;
    this.suppressions = suppressions;
  }

  @Override
  public void report(Detection detection) {
    if (!queue.offer(detection)) {
      Diagnostics.dropped("detections", "the reporting queue is full (" + queue.size()
          + " waiting); the worker is behind");
    }
  }

  /**
   * Processes everything queued, and the detections held long enough; returns how many detections were handled.
   * Worker thread only.
   */
  public int drain() {
    int handled = handleQueued();
    releaseHeld(false);
    return handled;
  }

  /** Processes everything queued and every held detection: for a flush or shutdown, when nothing more is coming. */
  public void drainAll() {
    handleQueued();
    releaseHeld(true);
  }

  private int handleQueued() {
    int handled = 0;
    Detection detection;
    while ((detection = queue.poll()) != null) {
      handled++;
      try {
        handle(detection);
      } catch (Throwable failed) {
        Diagnostics.error("reporting a finding", failed);
      }
    }
    return handled;
  }

  private void handle(Detection detection) {
    Problem known;
    synchronized (problems) {
      known = problems.get(detection.problemKey());
    }
    if (known != null) {
      known.seenAgain(detection.count());
      return;
    }
    if (suppressedKeys.contains(detection.problemKey())) {
      return;
    }
    String explainable = FindingOverlaps.explainableKey(detection);
    if (explainable != null) {
      if (explained.contains(explainable)) {
        return; // users read the finding that explains it
      }
      if (held.size() < MAX_HELD) {
        held.addLast(new Held(detection, explainable, System.nanoTime()));
        return;
      }
    }
    Finding finding = detection.detector().describe(detection, analyzer);
    if (suppressed(detection, finding)) {
      return; // before the overlaps: what it would explain is still reported on its own
    }
    List<String> explains = detection.shape() == null ? List.of()
        : FindingOverlaps.explainedKeys(detection.type(), detection.shape().sql());
    for (String key : explains) {
      Finding strongest = null;
      for (Iterator<Held> waiting = held.iterator(); waiting.hasNext(); ) {
        Held each = waiting.next();
        if (each.key().equals(key)) {
          waiting.remove();
          Detection other = each.detection();
          Finding described = other.detector().describe(other, analyzer);
          strongest = strongest == null ? described : FindingOverlaps.stronger(strongest, described);
        }
      }
      if (strongest != null) {
        finding = FindingOverlaps.withExplained(finding, strongest);
      }
      explained.add(key);
    }
    emit(detection, finding);
  }

  /** Reports the held detections whose wait is over (all of them when {@code all}). */
  private void releaseHeld(boolean all) {
    long now = System.nanoTime();
    for (Iterator<Held> waiting = held.iterator(); waiting.hasNext(); ) {
      Held each = waiting.next();
      Detection waited = each.detection();
      long holdMillis = waited.shape().isPlanPending() ? PLAN_HOLD_MILLIS : HOLD_MILLIS;
      if (all || now - each.sinceNanos() >= TimeUnit.MILLISECONDS.toNanos(holdMillis)) {
        waiting.remove();
        try {
          Finding finding = waited.detector().describe(waited, analyzer);
          if (!suppressed(waited, finding)) {
            emit(waited, finding);
          }
        } catch (Throwable failed) {
          Diagnostics.error("reporting a finding", failed);
        }
      }
    }
  }

  /**
   * Whether the user suppressed {@code finding}; remembers its key (up to as many as distinct problems are kept; past
   * that, a comeback is described and suppressed again, and not counted twice).
   */
  private boolean suppressed(Detection detection, Finding finding) {
    if (suppressions.isEmpty() || !suppressions.suppresses(finding)) {
      return false;
    }
    if (suppressedKeys.size() < maxProblems) {
      suppressedKeys.add(detection.problemKey());
    }
    return true;
  }

  /** Reports a finding the user did not suppress (each caller asked {@link #suppressed} once). */
  private void emit(Detection detection, Finding finding) {
    synchronized (problems) {
      Problem known = problems.get(detection.problemKey());
      if (known != null) { // held twice before it was reported
        known.seenAgain(detection.count());
        return;
      }
      if (problems.size() >= maxProblems) {
        Diagnostics.dropped("findings", "more than " + maxProblems + " distinct problems");
        return;
      }
      problems.put(detection.problemKey(), new Problem(finding, detection.count()));
    }
    for (FindingSink sink : sinks) {
      try {
        sink.accept(finding);
      } catch (Throwable failed) {
        Diagnostics.error("finding sink " + sink.getClass().getSimpleName(), failed);
      }
    }
  }

  /** Distinct problems kept from the sinks by the {@code suppress} setting. Worker thread (or after it stopped). */
  public long suppressed() {
    return suppressedKeys.size();
  }

  /** Every distinct problem reported so far, in the order found. */
  public List<Finding> findings() {
    synchronized (problems) {
      List<Finding> result = new ArrayList<>(problems.size());
      problems.values().forEach(problem -> result.add(problem.finding));
      return result;
    }
  }

  /** Distinct problems with how often each came back. */
  public List<Problem> problems() {
    synchronized (problems) {
      return new ArrayList<>(problems.values());
    }
  }

  /** Hands an INFO line that is no finding to every sink (worker only). */
  public void note(String logger, String text) {
    for (FindingSink sink : sinks) {
      try {
        sink.note(logger, text);
      } catch (Throwable failed) {
        Diagnostics.error("finding sink " + sink.getClass().getSimpleName(), failed);
      }
    }
  }

  /** Hands the summary to every sink. */
  public void summary(RunSummary summary) {
    for (FindingSink sink : sinks) {
      try {
        sink.summary(summary);
      } catch (Throwable failed) {
        Diagnostics.error("finding sink " + sink.getClass().getSimpleName(), failed);
      }
    }
  }

  public void close() {
    for (FindingSink sink : sinks) {
      try {
        sink.close();
      } catch (Throwable failed) {
        Diagnostics.error("finding sink " + sink.getClass().getSimpleName(), failed);
      }
    }
  }

  /** One distinct problem: its finding and how often it was seen. */
  public static final class Problem {
    private final Finding finding;
    private final AtomicLong occurrences = new AtomicLong(1);
    private final AtomicLong executions;
    private final AtomicLong largestCount;

    Problem(Finding finding, long executions) {
      this.finding = finding;
      this.executions = new AtomicLong(executions);
      this.largestCount = new AtomicLong(executions);
    }

    void seenAgain(long count) {
      occurrences.incrementAndGet();
      executions.addAndGet(count);
      largestCount.accumulateAndGet(count, Math::max);
    }

    /** The largest count of one occurrence: the most executions of one N+1, statements of one chatty request. */
    public long largestCount() {
      return largestCount.get();
    }

    public Finding finding() {
      return finding;
    }

    /** How many times it was detected (units of work for N+1). */
    public long occurrences() {
      return occurrences.get();
    }

    /** Executions over all occurrences. */
    public long executions() {
      return executions.get();
    }
  }
}
