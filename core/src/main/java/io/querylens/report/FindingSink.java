package io.querylens.report;

import io.querylens.finding.Finding;

/** Where findings leave querylens. Called from querylens' worker only, one call at a time. */
public interface FindingSink {

  /** A new distinct problem. */
  void accept(Finding finding);

  /**
   * An INFO line that is no finding (the periodic pool statistics), for sinks that are logs.
   *
   * @param logger the logger name, e.g. {@code querylens.pool-stats}
   */
  default void note(String logger, String text) {}

  /** The shutdown summary. */
  default void summary(RunSummary summary) {}

  /** Flushes and releases resources; called once at shutdown. */
  default void close() {}
}
