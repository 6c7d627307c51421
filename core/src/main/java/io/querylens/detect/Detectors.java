package io.querylens.detect;

import io.querylens.internal.Diagnostics;
import io.querylens.record.Execution;
import io.querylens.record.UnitOfWork;
import java.util.List;

/**
 * The detectors in use, called in turn with each guarded: one that throws is counted, said once, and does not stop
 * the others or reach the application. A detector that keeps failing is switched off.
 */
public final class Detectors {

  private static final int MAX_FAILURES = 100;

  private final Detector[] detectors;
  private final int[] failures;

  public Detectors(List<Detector> detectors) {
    this.detectors = detectors.toArray(new Detector[0]);
    this.failures = new int[this.detectors.length];
  }

  public List<Detector> all() {
    return List.of(detectors);
  }

  public void onExecution(Execution execution, DetectionSink sink) {
    for (int i = 0; i < detectors.length; i++) {
      if (failures[i] < MAX_FAILURES) {
        try {
          detectors[i].onExecution(execution, sink);
        } catch (Throwable failed) {
          failed(i, failed);
        }
      }
    }
  }

  public void onUnitEnd(UnitOfWork unit, DetectionSink sink) {
    for (int i = 0; i < detectors.length; i++) {
      if (failures[i] < MAX_FAILURES) {
        try {
          detectors[i].onUnitEnd(unit, sink);
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
