package io.querylens.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.querylens.QueryLens;
import io.querylens.UnitOfWorkScope;
import io.querylens.bootstrap.Hooks;
import io.querylens.callsite.CallSiteResolver;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.internal.Diagnostics;
import io.querylens.record.Execution;
import io.querylens.record.Recorder;
import io.querylens.record.UnitOfWork;
import io.querylens.sql.ShapeRegistry;
import io.querylens.sql.SqlAnalyzer;
import io.querylens.sql.SqlNormalizer;
import io.querylens.testing.LensFixture;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A detector that throws is contained: the others still run and the application's JDBC call never sees it. */
@SuppressWarnings("try") // scopes are opened for their extent, as the API documents
class DetectorsTest {

  @TempDir Path directory;
  private LensFixture lens;
  private final List<Detection> detections = new CopyOnWriteArrayList<>();
  private final AtomicInteger laterDetectorCalls = new AtomicInteger();

  @BeforeEach
  void open() throws Exception {
    lens = new LensFixture(directory);
  }

  @AfterEach
  void close() throws Exception {
    lens.close();
  }

  private static final class Throwing implements Detector {
    @Override
    public java.util.Set<io.querylens.finding.FindingType> findingTypes() {
      return java.util.Set.of();
    }

    private final String id;

    Throwing(String id) {
      this.id = id;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public boolean onExecution(Execution execution, DetectionSink sink) {
      throw new IllegalStateException(id + " broke on an execution");
    }

    @Override
    public void onUnitEnd(UnitOfWork unit, DetectionSink sink) {
      throw new IllegalStateException(id + " broke on a unit");
    }

    @Override
    public Finding describe(Detection detection, SqlAnalyzer analyzer) {
      throw new UnsupportedOperationException();
    }
  }

  private final Detector counting = new Detector() {
    @Override
    public java.util.Set<io.querylens.finding.FindingType> findingTypes() {
      return java.util.Set.of();
    }

    @Override
    public String id() {
      return "counting";
    }

    @Override
    public boolean onExecution(Execution execution, DetectionSink sink) {
      laterDetectorCalls.incrementAndGet();
      return true;
    }

    @Override
    public Finding describe(Detection detection, SqlAnalyzer analyzer) {
      throw new UnsupportedOperationException();
    }
  };

  private Recorder install(Detectors detectors) {
    Recorder recorder = new Recorder(new Recorder.Options(5, 200_000_000L, 2_000_000_000L, false, 1000, 1000),
        new ShapeRegistry(new SqlNormalizer(), 1000, shape -> {}), new CallSiteResolver(List.of()), detectors,
        detections::add, loader -> {});
    Hooks.install(recorder);
    return recorder;
  }

  @Test
  void aThrowingDetectorDoesNotStopTheOthersOrReachTheCaller() {
    Recorder recorder = install(new Detectors(List.of(new Throwing("boom"), new NPlusOneDetector(5, false), counting), true));

    assertThatCode(() -> {
      try (UnitOfWorkScope scope = QueryLens.unitOfWork("import")) {
        lens.app.loadEachCustomer(LongStream.rangeClosed(1, 8).toArray());
      }
    }).doesNotThrowAnyException();

    assertThat(recorder.statementCount()).isEqualTo(8);
    assertThat(laterDetectorCalls).hasValue(8);
    assertThat(detections).singleElement().satisfies(detection -> {
      assertThat(detection.type()).isEqualTo(FindingType.N_PLUS_ONE);
      assertThat(detection.count()).isEqualTo(8);
    });
    assertThat(Diagnostics.errorCounts()).containsEntry("boom detector", 9L);
    assertThat(lens.diagnostics().lines().filter(line -> line.contains("boom detector")))
        .singleElement()
        .satisfies(line -> assertThat(line)
            .startsWith("[querylens] internal error in boom detector (said once")
            .contains("IllegalStateException: boom broke on an execution"));
  }

  @Test
  void aDetectorThatKeepsFailingIsSwitchedOff() throws Exception {
    install(new Detectors(List.of(new Throwing("flaky"), counting), true));

    for (int i = 0; i < 3; i++) {
      lens.app.loadEachCustomer(LongStream.rangeClosed(1, 50).toArray());
    }

    assertThat(laterDetectorCalls).hasValue(150);
    assertThat(Diagnostics.errorCounts().get("flaky detector")).isEqualTo(100L);
    assertThat(lens.diagnostics()).contains("switching off detector flaky after 100 failures");
  }

  /** Says it is done with a shape after its second execution; counts the calls per shape. */
  private static final class DoneAfterTwo implements Detector {
    final java.util.Map<String, AtomicInteger> calls = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public String id() {
      return "done-after-two";
    }

    @Override
    public java.util.Set<FindingType> findingTypes() {
      return java.util.Set.of();
    }

    @Override
    public boolean onExecution(Execution execution, DetectionSink sink) {
      return calls.computeIfAbsent(execution.shape().sql(), sql -> new AtomicInteger()).incrementAndGet() < 2;
    }

    @Override
    public Finding describe(Detection detection, SqlAnalyzer analyzer) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void aDetectorDoneWithAShapeIsNotCalledForItsLaterExecutionsButStillForOtherShapes() throws Exception {
    DoneAfterTwo done = new DoneAfterTwo();
    install(new Detectors(List.of(new Throwing("boom"), done, counting), true));

    lens.app.loadEachCustomer(LongStream.rangeClosed(1, 8).toArray());
    lens.app.loadByName("customer 3");
    lens.app.loadByName("customer 4");
    lens.app.loadByName("customer 5");

    assertThat(done.calls.values()).as("two calls for each of the two shapes")
        .extracting(AtomicInteger::get).containsExactly(2, 2);
    assertThat(laterDetectorCalls).as("a detector after it, never done, still sees every execution").hasValue(11);
  }

  @Test
  void aCapturesDetectorsDoNotMarkShapes() throws Exception {
    DoneAfterTwo done = new DoneAfterTwo();
    install(new Detectors(List.of(done), false));

    lens.app.loadEachCustomer(LongStream.rangeClosed(1, 8).toArray());

    assertThat(done.calls.values()).extracting(AtomicInteger::get).containsExactly(8);
  }
}
