package io.querylens.detect;

import io.querylens.internal.Diagnostics;
import io.querylens.pool.Checkout;
import io.querylens.pool.ConnectionTracker;
import io.querylens.record.Execution;
import io.querylens.record.UnitOfWork;
import io.querylens.sql.StatementShape;
import java.util.List;

/**
 * The detectors in use, called in turn with each guarded: one that throws is counted, said once, and does not stop
 * the others or reach the application. A detector that keeps failing is switched off.
 */
public final class Detectors {

  private static final int MAX_FAILURES = 100;

  private final Detector[] detectors;
  private final int[] failures;
  /**
   * The indexes of the detectors that implement each application-thread callback: the others' are the interface's
   * empty defaults, and calling thirteen of those (a megamorphic call each) on every statement and checkout is time
   * the application pays for nothing.
   */
  private final int[] onExecution;
  private final int[] onAcquisition;
  private final int[] onRelease;

  /**
   * Whether this set keeps, in each shape, which of its detectors are done with the shape (see
   * {@link Detector#onExecution}). One set per run may: the mark is a field of the shape, and the indexes are this
   * set's. A test's capture, with detectors of its own, does not.
   */
  private final boolean marksShapes;

  /**
   * @param marksShapes whether to keep in each shape which detectors are done with it: true only for the run's
   *     detectors, over the run's shapes (two sets marking the same shapes would read each other's bits)
   */
  public Detectors(List<Detector> detectors, boolean marksShapes) {
    this.marksShapes = marksShapes;
    this.detectors = detectors.toArray(new Detector[0]);
    this.failures = new int[this.detectors.length];
    this.onExecution = implementing("onExecution", Execution.class, DetectionSink.class);
    this.onAcquisition = implementing("onAcquisition", ConnectionTracker.Outcome.class, DetectionSink.class);
    this.onRelease = implementing("onRelease", Checkout.class, DetectionSink.class);
  }

  /** The indexes of the detectors whose class declares (overrides) the callback {@code name}. */
  private int[] implementing(String name, Class<?>... parameters) {
    return java.util.stream.IntStream.range(0, detectors.length).filter(i -> {
      try {
        return detectors[i].getClass().getMethod(name, parameters).getDeclaringClass() != Detector.class;
      } catch (NoSuchMethodException | RuntimeException cannotTell) {
        return true; // call it, to be safe
      }
    }).toArray();
  }

  public List<Detector> all() {
    return List.of(detectors);
  }

  public void onExecution(Execution execution, DetectionSink sink) {
    StatementShape shape = marksShapes ? execution.shape() : null;
    int done = shape == null ? 0 : shape.detectorsDone();
    for (int i : onExecution) {
      if ((i >= Integer.SIZE || (done & 1 << i) == 0) && failures[i] < MAX_FAILURES) {
        try {
          if (!detectors[i].onExecution(execution, sink) && shape != null && i < Integer.SIZE) {
            shape.markDetectorDone(1 << i);
          }
        } catch (Throwable failed) {
          failed(i, failed);
        }
      }
    }
  }

  public void onUnitEnd(UnitOfWork unit, DetectionSink sink) {
    each(detector -> detector.onUnitEnd(unit, sink));
  }

  /** On application threads, like {@link #onExecution}: a plain loop, no lambda to allocate. */
  public void onAcquisition(ConnectionTracker.Outcome acquisition, DetectionSink sink) {
    for (int i : onAcquisition) {
      if (failures[i] < MAX_FAILURES) {
        try {
          detectors[i].onAcquisition(acquisition, sink);
        } catch (Throwable failed) {
          failed(i, failed);
        }
      }
    }
  }

  public void onRelease(Checkout checkout, DetectionSink sink) {
    for (int i : onRelease) {
      if (failures[i] < MAX_FAILURES) {
        try {
          detectors[i].onRelease(checkout, sink);
        } catch (Throwable failed) {
          failed(i, failed);
        }
      }
    }
  }

  public void onConnectionLost(Checkout checkout, DetectionSink sink) {
    each(detector -> detector.onConnectionLost(checkout, sink));
  }

  public void onTick(ConnectionTracker connections, long nowNanos, DetectionSink sink) {
    each(detector -> detector.onTick(connections, nowNanos, sink));
  }

  /** Starts background work (each detector guarded). */
  public void start() {
    each(Detector::start);
  }

  /** Lets background work finish, sharing {@code timeoutNanos} among the detectors. */
  public void finishPending(long timeoutNanos) {
    long deadline = System.nanoTime() + timeoutNanos;
    each(detector -> detector.finishPending(Math.max(0, deadline - System.nanoTime())));
  }

  /** Stops background work (every detector, also those switched off after failures). */
  public void close() {
    for (Detector detector : detectors) {
      try {
        detector.close();
      } catch (Throwable failed) {
        Diagnostics.error(detector.id() + " detector", failed);
      }
    }
  }

  /** Calls every detector still in use (the worker's callbacks; the application threads' avoid the lambda). */
  private void each(java.util.function.Consumer<Detector> call) {
    for (int i = 0; i < detectors.length; i++) {
      if (failures[i] < MAX_FAILURES) {
        try {
          call.accept(detectors[i]);
        } catch (Throwable failed) {
          failed(i, failed);
        }
      }
    }
  }

  private void failed(int index, Throwable error) {
    // A racy count is fine: it only decides when to give up on a broken detector.
    if (++failures[index] == MAX_FAILURES) {
      Diagnostics.say("switching off detector " + detectors[index].id() + " after " + MAX_FAILURES + " failures");
    }
    Diagnostics.error(detectors[index].id() + " detector", error);
  }
}
