package io.querylens.record;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.app.CustomerLookups;
import io.querylens.QueryLens;
import io.querylens.UnitOfWorkScope;
import io.querylens.bootstrap.Hooks;
import io.querylens.callsite.CallSiteResolver;
import io.querylens.config.Settings;
import io.querylens.detect.Detection;
import io.querylens.detect.Detector;
import io.querylens.detect.Detectors;
import io.querylens.detect.NPlusOneDetector;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.internal.Diagnostics;
import io.querylens.sql.ShapeRegistry;
import io.querylens.sql.SqlAnalyzer;
import io.querylens.sql.SqlNormalizer;
import io.querylens.testing.AgentJdbc;
import io.querylens.testing.LensFixture;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorder and the N+1 detector end to end in library mode: hooks driven as the agent would, around real H2
 * statements, from application code in {@code com.example.app}.
 */
@SuppressWarnings("try") // scopes are opened for their extent, as the API documents
class RecorderTest {

  private static final String LOAD_EACH =
      "com\\.example\\.app\\.CustomerLookups\\.loadEachCustomer\\(CustomerLookups\\.java:\\d+\\)";

  @TempDir Path directory;
  private LensFixture lens;
  private CustomerLookups app;

  @BeforeEach
  void open() throws Exception {
    lens = new LensFixture(directory);
    app = lens.app;
  }

  @AfterEach
  void close() throws Exception {
    lens.close();
  }

  private static long[] ids(int from, int to) {
    return LongStream.rangeClosed(from, to).toArray();
  }

  private static void sleep(long millis) throws InterruptedException {
    Thread.sleep(millis);
  }

  private List<Finding> nPlusOnes(List<Finding> findings) {
    return findings.stream().filter(f -> f.type() == FindingType.N_PLUS_ONE).toList();
  }

  @Test
  void theStatementCountKeepsTheStatementsOfThreadsThatEnded() throws Exception {
    Recorder recorder = lens.start(b -> b).recorder();
    long before = recorder.statementCount();
    app.loadEachCustomer(ids(1, 3));
    Thread shortLived = new Thread(() -> {
      try {
        app.loadEachCustomer(ids(4, 8));
      } catch (java.sql.SQLException failed) {
        throw new IllegalStateException(failed);
      }
    }, "short-lived");
    shortLived.start();
    shortLived.join();
    assertThat(recorder.statementCount() - before).as("this thread's and the ended thread's").isEqualTo(8);

    recorder.purgeCollectedStatements();

    assertThat(recorder.statementCount() - before).as("after the ended thread's state was let go").isEqualTo(8);
    app.loadEachCustomer(ids(9, 9));
    assertThat(recorder.statementCount() - before).isEqualTo(9);
  }

  @Nested
  class NPlusOne {

    @Test
    void reportedOnceWithCountDistinctValuesCallSiteTablesColumnsAndUnit() throws Exception {
      lens.start(b -> b);
      try (UnitOfWorkScope scope = QueryLens.unitOfWork("checkout")) {
        app.loadEachCustomer(ids(1, 12));
      }

      List<Finding> findings = lens.findings();
      assertThat(findings).hasSize(1);
      Finding finding = findings.get(0);
      assertThat(finding.type()).isEqualTo(FindingType.N_PLUS_ONE);
      assertThat(finding.severity()).isEqualTo(Severity.WARN);
      assertThat(finding.detectorId()).isEqualTo("n-plus-one");
      assertThat(finding.count()).isEqualTo(12);
      assertThat(finding.details()).containsEntry("distinctValues", 12L);
      assertThat(finding.callSite()).matches(LOAD_EACH);
      assertThat(finding.sql()).isEqualTo(CustomerLookups.BY_ID);
      assertThat(finding.tables()).containsExactly("customers");
      assertThat(finding.columns()).containsExactly("id");
      assertThat(finding.details())
          .containsEntry("unit", "scope checkout")
          .containsEntry("unitKind", "SCOPE")
          .containsEntry("origin", "PLAIN_JDBC")
          .containsEntry("threshold", 5);
      assertThat(finding.message())
          .startsWith("N+1: 12 executions of [" + CustomerLookups.BY_ID + "] from com.example.app.CustomerLookups")
          .contains("in scope checkout")
          .contains("12 distinct values");
      assertThat(finding.suggestion()).contains("in (...)");

      assertThat(lens.runtime().recorder().statementCount()).isEqualTo(12);
      assertThat(Diagnostics.totalErrors()).isZero();
    }

    @Test
    void theSameProblemInAnotherUnitIsNotReportedAgain() throws Exception {
      lens.start(b -> b);
      for (int unit = 0; unit < 3; unit++) {
        try (UnitOfWorkScope scope = QueryLens.unitOfWork("checkout")) {
          app.loadEachCustomer(ids(1, 6 + unit));
        }
      }

      assertThat(lens.findings()).hasSize(1);
      assertThat(lens.reportLines()).hasSize(1);
      assertThat(lens.reportLines().get(0)).containsEntry("type", "N_PLUS_ONE").containsEntry("count", 6L);
    }

    @Test
    void twentyTimesTheThresholdIsAnError() throws Exception {
      lens.start(b -> b.set(Settings.NPLUSONE_THRESHOLD, 2));
      try (UnitOfWorkScope scope = QueryLens.unitOfWork("import")) {
        app.loadEachCustomer(ids(1, 39));
      }
      try (UnitOfWorkScope scope = QueryLens.unitOfWork("import")) {
        app.loadEachCustomerReusingStatement(ids(1, 40));
      }

      List<Finding> findings = lens.findings();
      assertThat(findings).extracting(Finding::severity).containsExactly(Severity.WARN, Severity.ERROR);
      assertThat(findings).extracting(Finding::count).containsExactly(39L, 40L);
    }

    @Test
    void belowTheThresholdIsNothing() throws Exception {
      lens.start(b -> b);
      try (UnitOfWorkScope scope = QueryLens.unitOfWork("checkout")) {
        app.loadEachCustomer(ids(1, 4));
      }

      assertThat(lens.findings()).isEmpty();
      assertThat(lens.reportText()).isEmpty();
      assertThat(lens.runtime().recorder().statementCount()).isEqualTo(4);
    }

    @Test
    void theSameValuesAgainAndAgainAreNotAnNPlusOne() throws Exception {
      lens.start(b -> b);
      try (UnitOfWorkScope scope = QueryLens.unitOfWork("refresh")) {
        app.loadEachCustomer(7, 7, 7, 7, 7, 7, 7, 7, 7, 7);
        app.loadEachCustomerReusingStatement(8, 8, 8, 8, 8, 8, 8, 8);
      }

      assertThat(lens.findings()).isNotEmpty().allSatisfy(finding ->
          assertThat(finding.type()).isEqualTo(io.querylens.finding.FindingType.REPEATED_QUERY));
    }

    @Test
    void aReusedStatementReboundWithNewValuesIsAnNPlusOne() throws Exception {
      lens.start(b -> b);
      try (UnitOfWorkScope scope = QueryLens.unitOfWork("refresh")) {
        app.loadEachCustomerReusingStatement(ids(1, 6));
      }

      assertThat(lens.findings()).singleElement()
          .satisfies(f -> assertThat(f.count()).isEqualTo(6))
          .satisfies(f -> assertThat(f.callSite()).contains("loadEachCustomerReusingStatement"));
    }

    @Test
    void twoCallSitesEachBelowTheThresholdAreNotAnNPlusOne() throws Exception {
      lens.start(b -> b);
      try (UnitOfWorkScope scope = QueryLens.unitOfWork("page")) {
        for (long id = 1; id <= 4; id++) {
          app.loadFromSiteA(id);
          app.loadFromSiteB(id + 10);
        }
      }
      assertThat(lens.findings()).as("8 executions, 4 from each site").isEmpty();

      try (UnitOfWorkScope scope = QueryLens.unitOfWork("page")) {
        for (long id = 1; id <= 3; id++) {
          app.loadFromSiteA(id);
        }
        for (long id = 1; id <= 3; id++) {
          app.loadFromSiteB(id);
        }
      }
      assertThat(lens.findings()).as("3 from one site, then 3 from the other").isEmpty();

      try (UnitOfWorkScope scope = QueryLens.unitOfWork("page")) {
        app.loadFromSiteB(100);
        for (long id = 1; id <= 5; id++) {
          app.loadFromSiteA(id);
        }
      }
      assertThat(lens.findings()).as("5 from one site (after 1 from another)").singleElement()
          .satisfies(finding -> assertThat(finding.callSite()).contains("CustomerLookups.loadFromSiteA("));
    }

    @Test
    void twoCallSitesLoopingOverTheSameKeysAreTwoNPlusOnes() throws Exception {
      lens.start(b -> b);
      try (UnitOfWorkScope scope = QueryLens.unitOfWork("page")) {
        for (long id = 1; id <= 6; id++) {
          app.loadFromSiteA(id);
          app.loadFromSiteB(id);
        }
      }
      assertThat(lens.findings()).as("each site issued the same 6 ids").hasSize(2)
          .anySatisfy(finding -> assertThat(finding.callSite()).contains("CustomerLookups.loadFromSiteA("))
          .anySatisfy(finding -> assertThat(finding.callSite()).contains("CustomerLookups.loadFromSiteB("));
    }

    @Test
    void setBasedReadsAreNotAnNPlusOne() throws Exception {
      lens.start(b -> b);
      try (UnitOfWorkScope scope = QueryLens.unitOfWork("batch-fetch")) {
        for (long i = 0; i < 10; i++) {
          app.loadThreeAtOnce(3 * i + 1, 3 * i + 2, 3 * i + 3);
        }
        for (long i = 0; i < 10; i++) {
          app.loadByArray(2 * i + 1, 2 * i + 2);
        }
      }

      assertThat(lens.findings()).isEmpty();
      assertThat(lens.runtime().recorder().statementCount()).isEqualTo(20);
      assertThat(Diagnostics.totalErrors()).isZero();
    }

    @Test
    void aStatementPreparedOnOneThreadAndRunOnAnotherKeepsItsSql() throws Exception {
      lens.start(b -> b);
      PreparedStatement[] prepared = new PreparedStatement[1];
      Thread preparer = new Thread(() -> {
        try {
          prepared[0] = AgentJdbc.prepare(lens.connection, CustomerLookups.BY_ID);
        } catch (java.sql.SQLException failed) {
          throw new IllegalStateException(failed);
        }
      });
      preparer.start();
      preparer.join();

      try (UnitOfWorkScope scope = QueryLens.unitOfWork("other-thread")) {
        for (long id = 1; id <= 6; id++) {
          app.runPrepared(prepared[0], id);
        }
      }
      AgentJdbc.close(prepared[0]);

      assertThat(lens.findings()).singleElement()
          .satisfies(finding -> assertThat(finding.sql()).isEqualTo(CustomerLookups.BY_ID))
          .satisfies(finding -> assertThat(finding.callSite()).contains("CustomerLookups.runPrepared("));
    }

    @Test
    void pagingThroughResultsIsNotAnNPlusOne() throws Exception {
      lens.start(b -> b);
      try (UnitOfWorkScope scope = QueryLens.unitOfWork("warm-up")) {
        app.pageByKey(1);
      }
      Thread.sleep(500);
      try (UnitOfWorkScope scope = QueryLens.unitOfWork("export")) {
        app.pageWithOffset(8);
        app.pageByKey(8);
      }

      assertThat(lens.findings()).isEmpty();
    }

    @Test
    void aRequestIsItsOwnUnitEvenAfterATransactionWasLeftOpenOnItsThread() throws Exception {
      lens.start(b -> b);
      AgentJdbc.setAutoCommit(lens.connection, false);
      Object request = Hooks.beginRequest("GET", "/customers");
      try {
        app.loadEachCustomer(ids(1, 6));
      } finally {
        Hooks.endUnit(request);
        AgentJdbc.setAutoCommit(lens.connection, true);
      }

      assertThat(lens.findings()).singleElement()
          .satisfies(finding -> assertThat(finding.details()).containsEntry("unit", "request GET /customers"));
    }

    @Test
    void manyStatementsOpenAtOnceKeepTheirSql() throws Exception {
      lens.start(b -> b);
      List<PreparedStatement> open = new java.util.ArrayList<>();
      for (int i = 0; i < 20; i++) {
        open.add(AgentJdbc.prepare(lens.connection, CustomerLookups.BY_ID));
      }
      try (UnitOfWorkScope scope = QueryLens.unitOfWork("many-open")) {
        long id = 1;
        for (PreparedStatement statement : open) {
          AgentJdbc.setLong(statement, 1, id++);
          AgentJdbc.query(statement);
        }
      }
      for (PreparedStatement statement : open) {
        AgentJdbc.close(statement);
      }

      assertThat(lens.findings()).as("all 20 executions were attributed to their SQL").singleElement()
          .satisfies(finding -> assertThat(finding.sql()).isEqualTo(CustomerLookups.BY_ID))
          .satisfies(finding -> assertThat(finding.count()).isEqualTo(20));
    }

    @Test
    void statementsWhoseSqlWasNeverSeenAreCountedButNotJudged() throws Exception {
      lens.start(b -> b);
      try (UnitOfWorkScope scope = QueryLens.unitOfWork("legacy")) {
        PreparedStatement unseen = lens.connection.prepareStatement(CustomerLookups.BY_ID);
        for (long id = 1; id <= 10; id++) {
          AgentJdbc.setLong(unseen, 1, id);
          AgentJdbc.query(unseen);
        }
        AgentJdbc.close(unseen);
      }

      assertThat(lens.findings()).isEmpty();
      assertThat(lens.runtime().recorder().statementCount()).isEqualTo(10);
    }
  }

  @Nested
  class UnitsOfWork {

    @Test
    void eachScopeIsItsOwnUnit() throws Exception {
      lens.start(b -> b);
      for (int i = 0; i < 4; i++) {
        try (UnitOfWorkScope scope = QueryLens.unitOfWork("job " + i)) {
          app.loadEachCustomer(ids(1, 3));
        }
      }

      assertThat(lens.findings()).isEmpty();
    }

    @Test
    void aNestedScopeIsIgnoredAndTheOutermostCounts() throws Exception {
      lens.start(b -> b);
      try (UnitOfWorkScope outer = QueryLens.unitOfWork("outer")) {
        try (UnitOfWorkScope inner = QueryLens.unitOfWork("inner")) {
          app.loadEachCustomer(ids(1, 3));
        }
        app.loadEachCustomer(ids(4, 6));
        assertThat(lens.findings()).as("nothing is judged before the outer scope ends").isEmpty();
      }

      assertThat(lens.findings()).singleElement().satisfies(finding -> {
        assertThat(finding.count()).isEqualTo(6);
        assertThat(finding.details()).containsEntry("unit", "scope outer");
      });
    }

    @Test
    void aTransactionIsAUnit() throws Exception {
      lens.start(b -> b);
      app.loadAllInOneTransaction(ids(1, 6));

      assertThat(lens.findings()).singleElement().satisfies(finding -> {
        assertThat(finding.details())
            .containsEntry("unitKind", "TRANSACTION")
            .containsEntry("unit", "transaction on thread " + Thread.currentThread().getName());
        assertThat(finding.callSite()).contains("CustomerLookups.loadFromSiteA(");
      });
    }

    @Test
    void theSameQueryOncePerTransactionIsNotAnNPlusOne() throws Exception {
      lens.start(b -> b);
      app.loadEachInItsOwnTransaction(ids(1, 10));
      app.loadEachThenCommit(ids(11, 20));
      app.loadEachInItsOwnTransaction(ids(21, 30));

      assertThat(lens.findings()).isEmpty();
      assertThat(lens.findingsAfterShutdown()).isEmpty();
    }

    @Test
    void aRollbackEndsTheTransactionUnitToo() throws Exception {
      lens.start(b -> b);
      AgentJdbc.setAutoCommit(lens.connection, false);
      for (long id = 1; id <= 10; id++) {
        app.loadFromSiteA(id);
        AgentJdbc.rollback(lens.connection);
      }
      AgentJdbc.setAutoCommit(lens.connection, true);

      assertThat(lens.findingsAfterShutdown()).isEmpty();
    }

    @Test
    void threadBurstsAreSplitByAGap() throws Exception {
      lens.start(b -> b.set(Settings.UNIT_THREAD_GAP_MS, 150L));
      app.loadEachCustomer(ids(1, 3));
      sleep(500);
      app.loadEachCustomer(ids(4, 6));
      sleep(500);
      assertThat(lens.findings()).as("two bursts of 3").isEmpty();

      app.loadEachCustomer(ids(1, 6));
      sleep(500);
      assertThat(lens.findings()).as("an idle burst is ended and judged without shutdown")
          .singleElement().satisfies(finding -> {
            assertThat(finding.callSite()).matches(LOAD_EACH);
            assertThat(finding.details())
                .containsEntry("unitKind", "THREAD")
                .containsEntry("unit", "statements on thread " + Thread.currentThread().getName());
          });
    }

    @Test
    void aBurstStillOpenAtShutdownIsJudged() throws Exception {
      lens.start(b -> b);
      app.loadEachCustomer(ids(1, 6));

      assertThat(lens.findingsAfterShutdown()).singleElement()
          .satisfies(finding -> assertThat(finding.details()).containsEntry("unitKind", "THREAD"));
      assertThat(lens.reportLines()).hasSize(1);
    }
  }

  @Nested
  class PoolWrappers {

    @Test
    void aWrapperAroundTheDriverStatementCountsOneExecutionPerCall() throws Exception {
      lens.start(b -> b.set(Settings.LOG_PARAMETERS, true));
      try (UnitOfWorkScope scope = QueryLens.unitOfWork("pooled")) {
        app.loadEachCustomerThroughPool(true, value -> value, ids(1, 6));
      }

      assertThat(lens.runtime().recorder().statementCount()).isEqualTo(6);
      assertThat(lens.findings()).singleElement().satisfies(finding -> {
        assertThat(finding.count()).isEqualTo(6);
        assertThat(finding.details()).containsEntry("distinctValues", 6L).containsEntry("parameters", "[1=1]");
        assertThat(finding.sql()).isEqualTo(CustomerLookups.BY_ID);
        assertThat(finding.callSite()).contains("CustomerLookups.loadEachCustomerThroughPool(");
      });
      assertThat(Diagnostics.totalErrors()).isZero();
    }

    @Test
    void theWrappersBindValuesAreTheOnesThatCount() throws Exception {
      lens.start(b -> b.set(Settings.LOG_PARAMETERS, true));
      try (UnitOfWorkScope scope = QueryLens.unitOfWork("pooled")) {
        app.loadEachCustomerThroughPool(true, value -> 1, ids(11, 16));
      }

      assertThat(lens.findings()).singleElement().satisfies(finding -> {
        assertThat(finding.details()).containsEntry("distinctValues", 6L).containsEntry("parameters", "[1=11]");
      });
    }

    @Test
    void theDriverStatementsSqlIsUsedWhenTheWrapperWasNotSeenPrepared() throws Exception {
      lens.start(b -> b);
      try (UnitOfWorkScope scope = QueryLens.unitOfWork("pooled")) {
        app.loadEachCustomerThroughPool(false, value -> value, ids(1, 6));
      }

      assertThat(lens.runtime().recorder().statementCount()).isEqualTo(6);
      assertThat(lens.findings()).singleElement()
          .satisfies(finding -> assertThat(finding.sql()).isEqualTo(CustomerLookups.BY_ID));
    }
  }

  /** Drives a recorder built by hand, to see what detectors are handed. */
  @Nested
  class Batches {

    private final List<Detection> detections = new CopyOnWriteArrayList<>();
    private final List<String> batches = new ArrayList<>();

    private Recorder install() {
      Detector batchWatcher = new Detector() {
        @Override
        public java.util.Set<io.querylens.finding.FindingType> findingTypes() {
          return java.util.Set.of();
        }

        @Override
        public String id() {
          return "batch-watcher";
        }

        @Override
        public boolean onExecution(Execution execution, io.querylens.detect.DetectionSink sink) {
          if (execution.isBatch()) {
            batches.add(execution.shape().sql() + " x" + execution.batchSize());
          }
          return true;
        }

        @Override
        public Finding describe(Detection detection, SqlAnalyzer analyzer) {
          throw new UnsupportedOperationException();
        }
      };
      Recorder recorder = new Recorder(new Recorder.Options(5, 200_000_000L, 2_000_000_000L, false, 1000, 1000),
          new ShapeRegistry(new SqlNormalizer(), 1000, shape -> {}), new CallSiteResolver(List.of()),
          new Detectors(List.of(new NPlusOneDetector(5, false), batchWatcher), true), detections::add, loader -> {});
      Hooks.install(recorder);
      return recorder;
    }

    @Test
    void aBatchRecordsItsSizeAndIsNoNPlusOne() throws Exception {
      Recorder recorder = install();
      try (UnitOfWorkScope scope = QueryLens.unitOfWork("import")) {
        for (int i = 0; i < 6; i++) {
          int[] result = app.insertOrdersInBatch(1000L * (i + 1), 7 + i);
          assertThat(result).hasSize(7 + i);
        }
      }

      assertThat(recorder.statementCount()).isEqualTo(6);
      assertThat(batches).containsExactly(
          "insert into orders (id, customer_id, total) values (?, ?, ?) x7",
          "insert into orders (id, customer_id, total) values (?, ?, ?) x8",
          "insert into orders (id, customer_id, total) values (?, ?, ?) x9",
          "insert into orders (id, customer_id, total) values (?, ?, ?) x10",
          "insert into orders (id, customer_id, total) values (?, ?, ?) x11",
          "insert into orders (id, customer_id, total) values (?, ?, ?) x12");
      assertThat(detections).isEmpty();
    }

    @Test
    void aSelectRunAsBatchesWithDistinctValuesIsNoNPlusOne() throws Exception {
      install();
      try (UnitOfWorkScope scope = QueryLens.unitOfWork("import")) {
        PreparedStatement statement = AgentJdbc.prepare(lens.connection, CustomerLookups.BY_ID);
        for (long id = 1; id <= 10; id++) {
          AgentJdbc.setLong(statement, 1, id);
          Object batch = Hooks.beforeBatch(statement);
          Hooks.afterBatch(batch, null, new int[] {1});
        }
        AgentJdbc.close(statement);
      }

      assertThat(batches).hasSize(10).allMatch(line -> line.endsWith(" x1"));
      assertThat(detections).isEmpty();
    }

    @Test
    void theSameSelectRunSinglyIsAnNPlusOne() throws Exception {
      install();
      try (UnitOfWorkScope scope = QueryLens.unitOfWork("import")) {
        app.loadEachCustomer(ids(1, 10));
      }

      assertThat(detections).singleElement().satisfies(detection -> {
        assertThat(detection.count()).isEqualTo(10);
        assertThat(detection.distinctValues()).isEqualTo(10);
        assertThat(detection.unitName()).isEqualTo("import");
      });
    }

    @AfterEach
    void checkNoInternalErrors() {
      assertThat(Diagnostics.errorCounts()).isEqualTo(Map.of());
    }
  }
}
