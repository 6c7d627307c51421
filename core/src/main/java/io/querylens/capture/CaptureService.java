package io.querylens.capture;

import io.querylens.bootstrap.CaptureBridge;
import io.querylens.finding.Finding;
import io.querylens.internal.Diagnostics;
import io.querylens.runtime.QueryLensRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The running querylens' side of the {@link CaptureBridge}: opens {@link RecordingCapture}s on its recorder and hands
 * their state out in {@code java.base} types, so that the public API reaches them from any class loader (the
 * application's querylens-core talking to the agent's copy). Never throws: a failure is counted and the caller sees
 * null.
 */
public final class CaptureService implements CaptureBridge {

  private final QueryLensRuntime runtime;

  public CaptureService(QueryLensRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public Object open(String name, boolean allThreads) {
    try {
      return RecordingCapture.open(runtime, name == null ? "capture" : name,
          allThreads ? CaptureScope.ALL_THREADS : CaptureScope.THIS_THREAD);
    } catch (Throwable failed) {
      Diagnostics.error("opening a capture", failed);
      return null;
    }
  }

  @Override
  public Object[] state(Object capture) {
    if (!(capture instanceof RecordingCapture recording)) {
      return null;
    }
    try {
      synchronized (recording) {
        return stateOf(recording);
      }
    } catch (Throwable failed) {
      Diagnostics.error("reading a capture", failed);
      return null;
    }
  }

  /** One consistent reading: the capture's lock is held, so no statement lands between its parts. */
  private static Object[] stateOf(RecordingCapture recording) {
    List<Object[]> statements = new ArrayList<>();
    for (CapturedStatement statement : recording.statements()) {
      statements.add(CaptureWire.encode(statement));
    }
    List<Map<String, Object>> findings = new ArrayList<>();
    for (Finding finding : recording.findings()) {
      findings.add(finding.toMap());
    }
    return new Object[] {recording.name(), recording.isClosed(), (long) recording.count(),
        recording.countsByKind(), statements, findings,
        recording.judgedTypes().stream().map(Enum::name).sorted().toList(), recording.connections()};
  }

  @Override
  public void close(Object capture) {
    if (capture instanceof RecordingCapture recording) {
      try {
        recording.close();
      } catch (Throwable failed) {
        Diagnostics.error("closing a capture", failed);
      }
    }
  }
}
