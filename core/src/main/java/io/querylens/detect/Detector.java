package io.querylens.detect;

import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.pool.Checkout;
import io.querylens.pool.ConnectionTracker;
import io.querylens.record.Execution;
import io.querylens.record.UnitOfWork;
import io.querylens.sql.SqlAnalyzer;
import java.util.Set;

/**
 * One kind of problem querylens looks for. Each detector is one class with a stable {@link #id()}.
 *
 * <p>The {@code on*} callbacks run on application threads inside JDBC calls (except {@link #onTick} and
 * {@link #onConnectionLost}, on querylens' worker): they must be cheap, allocate only when they report, and be
 * thread-safe. {@link #describe} runs on querylens' worker and may take its time.
 */
public interface Detector {

  /** Stable id: used in {@code detectors.disabled}, in logger names ({@code querylens.<id>}) and in docs. */
  String id();

  /** The finding types it can report. */
  Set<FindingType> findingTypes();

  /**
   * Called after every statement execution. Returns false when later executions of the same shape can no longer lead
   * this detector to a finding (it looks only at selects and this is an update; it reported the shape already): they
   * then pass it by, which saves a call on every statement. True whenever it cannot tell.
   */
  default boolean onExecution(Execution execution, DetectionSink sink) {
    return true;
  }

  /** Called once when a unit of work ends, with everything it counted. */
  default void onUnitEnd(UnitOfWork unit, DetectionSink sink) {}

  /** Called after every outermost {@code getConnection()} the application made, on its thread. */
  default void onAcquisition(ConnectionTracker.Outcome acquisition, DetectionSink sink) {}

  /** Called when a connection taken earlier is closed, on the closing thread. */
  default void onRelease(Checkout checkout, DetectionSink sink) {}

  /** Called on the worker with a connection the garbage collector found unclosed. */
  default void onConnectionLost(Checkout checkout, DetectionSink sink) {}

  /** Called on the worker about every 100 ms, to look at the open connections and the pools. */
  default void onTick(ConnectionTracker connections, long nowNanos, DetectionSink sink) {}

  /** Starts its background work, if it has any; called once when querylens starts, on the starting thread. */
  default void start() {}

  /**
   * Finishes what it does in the background (the missing-index detector plans statements on a thread of its own), for
   * up to {@code timeoutNanos}: called before a flush or shutdown reads the findings.
   */
  default void finishPending(long timeoutNanos) {}

  /** Stops its background work, once, at shutdown. */
  default void close() {}

  /** Turns a detection into the finding users read. */
  Finding describe(Detection detection, SqlAnalyzer analyzer);
}
