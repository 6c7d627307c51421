package io.querylens.report;

import io.querylens.finding.Finding;

/** Where findings leave querylens. Called from querylens' worker only, one call at a time. */
public interface FindingSink {

  /** A new distinct problem. */
  void accept(Finding finding);

  /** The shutdown summary. */
  default void summary(RunSummary summary) {}

  /** Flushes and releases resources; called once at shutdown. */
  default void close() {}
}
