package io.querylens.report;

import io.querylens.detect.Detection;
import io.querylens.detect.DetectionSink;
import io.querylens.finding.Finding;
import io.querylens.internal.BoundedQueue;
import io.querylens.internal.Diagnostics;
import io.querylens.sql.SqlAnalyzer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Takes detections from application threads (a bounded, lock-free queue) and, on querylens' worker, turns each new
 * distinct problem into one finding for every sink. A problem seen again is only counted: users read each problem
 * once, and the summary says how often it came back.
 */
public final class Reporter implements DetectionSink {

  private final BoundedQueue<Detection> queue;
  private final List<FindingSink> sinks;
  private final SqlAnalyzer analyzer;
  private final int maxProblems;
  /** Written by the worker only; read under its lock for snapshots. */
  private final Map<String, Problem> problems = new LinkedHashMap<>();

  public Reporter(List<FindingSink> sinks, SqlAnalyzer analyzer, int queueCapacity, int maxProblems) {
    this.queue = new BoundedQueue<>(queueCapacity);
    this.sinks = List.copyOf(sinks);
    this.analyzer = analyzer;
    this.maxProblems = maxProblems;
  }

  @Override
  public void report(Detection detection) {
    if (!queue.offer(detection)) {
      Diagnostics.dropped("detections", "the reporting queue is full (" + queue.size()
          + " waiting); the worker is behind");
    }
  }

  /** Processes everything queued; returns how many detections were handled. Worker thread only. */
  public int drain() {
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
      known.occurrences.incrementAndGet();
      known.executions.addAndGet(detection.count());
      return;
    }
    Finding finding = detection.detector().describe(detection, analyzer);
    synchronized (problems) {
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

    Problem(Finding finding, long executions) {
      this.finding = finding;
      this.executions = new AtomicLong(executions);
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
