package io.querylens.detect;

import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.record.Execution;
import io.querylens.record.UnitOfWork;
import io.querylens.sql.SqlAnalyzer;
import java.util.Set;

/**
 * One kind of problem querylens looks for. Each detector is one class with a stable {@link #id()}.
 *
 * <p>The two {@code on*} callbacks run on application threads inside JDBC calls: they must be cheap, allocate only when
 * they report, and be thread-safe. {@link #describe} runs on querylens' worker and may take its time.
 */
public interface Detector {

  /** Stable id: used in {@code detectors.disabled}, in logger names ({@code querylens.<id>}) and in docs. */
  String id();

  /** The finding types it can report. */
  Set<FindingType> findingTypes();

  /** Called after every statement execution. */
  default void onExecution(Execution execution, DetectionSink sink) {}

  /** Called once when a unit of work ends, with everything it counted. */
  default void onUnitEnd(UnitOfWork unit, DetectionSink sink) {}

  /** Turns a detection into the finding users read. */
  Finding describe(Detection detection, SqlAnalyzer analyzer);
}
