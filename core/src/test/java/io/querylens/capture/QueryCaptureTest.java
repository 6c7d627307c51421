package io.querylens.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.capture.Shop;
import io.querylens.QueryLens;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.sql.StatementKind;
import io.querylens.testing.ShopFixture;
import io.querylens.testing.TestDatabases.TestDatabase;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a capture records and judges: only the statements completed while it is open (of its thread, or of every
 * thread), each with its details, and findings from its own fresh detectors.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.querylens.testing.TestDatabases#all")
class QueryCaptureTest {

  private static final String SHOP = "com.example.capture.Shop.";

  @Parameter TestDatabase database;

  private ShopFixture lens;
  private Shop shop;

  @BeforeEach
  void open() throws Exception {
    lens = ShopFixture.open(database);
    shop = lens.shop;
  }

  @AfterEach
  void close() throws Exception {
    if (lens != null) {
      lens.close();
    }
  }

  private String byIdShape() {
    return "select p.id, p.name from " + lens.products() + " p where p.id = ?";
  }

  /** Runs {@code work} on a new thread named {@code name} and waits for it; rethrows what it threw. */
  private static void onAnotherThread(String name, ThrowingRunnable work) throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread thread = new Thread(() -> {
      try {
        work.run();
      } catch (Throwable failed) {
        failure.set(failed);
      }
    }, name);
    thread.start();
    thread.join(30_000);
    assertThat(thread.isAlive()).as("thread %s finished", name).isFalse();
    if (failure.get() instanceof Exception exception) {
      throw exception;
    } else if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void findsAnNPlusOneAnEarlierCaptureAlreadyFound() throws Exception {
    List<Finding> first;
    try (QueryCapture capture = QueryLens.capture("first", CaptureScope.THIS_THREAD)) {
      shop.productNamesOneByOne(1, 2, 3, 4, 5, 6);
      first = capture.findings();
    }
    List<Finding> second;
    try (QueryCapture capture = QueryLens.capture("second", CaptureScope.THIS_THREAD)) {
      shop.productNamesOneByOne(1, 2, 3, 4, 5, 6);
      second = capture.findings();
      assertThatThrownBy(() -> capture.assertThat().noNPlusOne())
          .isExactlyInstanceOf(AssertionError.class)
          .hasMessageStartingWith("Expected no N+1, found 1:");
    }

    assertThat(first).singleElement().satisfies(finding -> {
      assertThat(finding.type()).isEqualTo(FindingType.N_PLUS_ONE);
      assertThat(finding.sql()).isEqualTo(byIdShape());
      assertThat(finding.callSite()).startsWith(SHOP + "productNamesOneByOne(Shop.java:");
      assertThat(finding.count()).isEqualTo(6);
      assertThat(finding.message()).contains("in capture first");
    });
    assertThat(second).singleElement().satisfies(finding -> {
      assertThat(finding.type()).isEqualTo(FindingType.N_PLUS_ONE);
      assertThat(finding.callSite()).isEqualTo(first.get(0).callSite());
      assertThat(finding.message()).contains("in capture second");
    });
  }

  @Test
  void countsTheCaptureAsOneUnitAcrossTransactions() throws Exception {
    try (QueryCapture capture = QueryLens.capture("perRequestLookups", CaptureScope.THIS_THREAD)) {
      for (long id = 1; id <= 5; id++) {
        shop.productName(id);
      }
      assertThat(capture.findings()).singleElement().satisfies(finding -> {
        assertThat(finding.type()).isEqualTo(FindingType.N_PLUS_ONE);
        assertThat(finding.callSite()).startsWith(SHOP + "productName(Shop.java:");
        assertThat(finding.count()).isEqualTo(5);
      });
    }
  }

  @Test
  void recordsOnlyWhatCompletesWhileItIsOpen() throws Exception {
    shop.productName(1);
    QueryCapture capture = QueryLens.capture("window", CaptureScope.THIS_THREAD);
    shop.productName(2);
    capture.close();
    shop.productNamesOneByOne(1, 2, 3, 4, 5, 6);

    assertThat(capture.isClosed()).isTrue();
    assertThat(capture.count()).isEqualTo(1);
    assertThat(capture.statements()).singleElement().satisfies(statement -> {
      assertThat(statement.sql()).isEqualTo(byIdShape());
      assertThat(statement.callSite()).startsWith(SHOP + "productName(Shop.java:");
    });
    capture.assertThat().noNPlusOne().selects().exactly(1);
    assertThat(capture.findings()).isEmpty();
    capture.close();
    assertThat(capture.count()).isEqualTo(1);
  }

  @Test
  void nestedCapturesBothSeeTheStatementsOfTheirSpan() throws Exception {
    try (QueryCapture outer = QueryLens.capture("outer", CaptureScope.THIS_THREAD)) {
      shop.productName(1);
      try (QueryCapture inner = QueryLens.capture("inner", CaptureScope.THIS_THREAD)) {
        shop.productName(2);
        inner.assertThat().statements().exactly(1);
      }
      shop.productName(3);
      outer.assertThat().statements().exactly(3);
    }
  }

  @Test
  void reportsFindingsWhileStillOpen() throws Exception {
    try (QueryCapture capture = QueryLens.capture("open", CaptureScope.THIS_THREAD)) {
      shop.productNamesOneByOne(1, 2, 3, 4);
      assertThat(capture.findings()).isEmpty();
      shop.productNamesOneByOne(5);
      assertThat(capture.findings()).extracting(Finding::type).containsExactly(FindingType.N_PLUS_ONE);
      assertThat(capture.findings()).singleElement().extracting(Finding::count).isEqualTo(5L);
      assertThat(capture.isClosed()).isFalse();
    }
  }

  @Test
  void describesEachStatement() throws Exception {
    try (QueryCapture capture = QueryLens.capture("details", CaptureScope.THIS_THREAD)) {
      shop.productName(1);
      shop.productNamesAtOnce(1, 2, 3);
      shop.insertOrdersInBatch(1, 7);
      shop.productNameInlined(2);
      assertThatThrownBy(shop::readMissingTable).isInstanceOf(SQLException.class);

      List<CapturedStatement> statements = capture.statements();
      assertThat(statements).hasSize(5);
      assertThat(statements).allSatisfy(statement -> {
        assertThat(statement.threadName()).isEqualTo(Thread.currentThread().getName());
        assertThat(statement.callSite()).startsWith(SHOP);
        assertThat(statement.duration()).isPositive();
      });

      CapturedStatement lookup = statements.get(0);
      assertThat(lookup.kind()).isEqualTo(StatementKind.SELECT);
      assertThat(lookup.batch()).isFalse();
      assertThat(lookup.setBased()).isFalse();
      assertThat(lookup.inlineLiterals()).isFalse();
      assertThat(lookup.failed()).isFalse();

      CapturedStatement inList = statements.get(1);
      assertThat(inList.setBased()).isTrue();
      assertThat(inList.callSite()).startsWith(SHOP + "productNamesAtOnce(Shop.java:");

      CapturedStatement batch = statements.get(2);
      assertThat(batch.kind()).isEqualTo(StatementKind.INSERT);
      assertThat(batch.batch()).isTrue();
      assertThat(batch.batchSize()).isEqualTo(7);
      assertThat(batch.describe()).contains(" [batch of 7] ").contains(" at " + SHOP + "insertOrdersInBatch(");

      assertThat(statements.get(3).inlineLiterals()).isTrue();
      assertThat(statements.get(3).sql()).doesNotContain("= 2");

      CapturedStatement failed = statements.get(4);
      assertThat(failed.failed()).isTrue();
      assertThat(failed.callSite()).startsWith(SHOP + "readMissingTable(Shop.java:");

      assertThat(capture.count()).isEqualTo(5);
      assertThat(capture.count(StatementKind.SELECT)).isEqualTo(4);
      assertThat(capture.count(StatementKind.INSERT)).isEqualTo(1);
      assertThat(capture.count(StatementKind.DELETE)).isZero();
    }
  }

  @Test
  void aWildcardBoundToAParameterThatIsNoLikePatternIsNoLeadingWildcard() throws Exception {
    try (QueryCapture capture = QueryLens.capture("equalAndLike", CaptureScope.THIS_THREAD)) {
      shop.namesEqualAndLike("_A1", "product-1%");
      shop.namesEqualAndLike("product-7", "%-7");

      assertThat(capture.statements()).extracting(CapturedStatement::leadingWildcard).containsExactly(false, true);
    }
  }

  @Test
  void tellsEachExecutionOfAReboundStatementApartForLeadingWildcards() throws Exception {
    try (QueryCapture capture = QueryLens.capture("rebound", CaptureScope.THIS_THREAD)) {
      List<List<String>> results = shop.namesLikeEach("%-7", "product-1%");
      assertThat(results.get(0)).containsExactly("product-7");

      assertThat(capture.statements()).extracting(CapturedStatement::leadingWildcard).containsExactly(true, false);
    }
  }

  @Test
  void aThisThreadCaptureIgnoresOtherThreads() throws Exception {
    try (QueryCapture capture = QueryLens.capture("mine", CaptureScope.THIS_THREAD)) {
      onAnotherThread("other-worker", () -> shop.productNamesOneByOne(1, 2, 3, 4, 5, 6));
      shop.productName(7);

      assertThat(capture.scope()).isEqualTo(CaptureScope.THIS_THREAD);
      assertThat(capture.statements()).singleElement()
          .satisfies(statement -> assertThat(statement.threadName()).isEqualTo(Thread.currentThread().getName()));
      capture.assertThat().noNPlusOne().statements().exactly(1);
    }
  }

  @Test
  void anAllThreadsCaptureIncludesOtherThreads() throws Exception {
    try (QueryCapture capture = QueryLens.capture("everyone", CaptureScope.ALL_THREADS)) {
      onAnotherThread("other-worker", () -> shop.productNamesOneByOne(1, 2, 3, 4, 5, 6));
      shop.productName(7);

      assertThat(capture.scope()).isEqualTo(CaptureScope.ALL_THREADS);
      assertThat(capture.statements()).hasSize(7);
      assertThat(capture.statements()).extracting(CapturedStatement::threadName)
          .containsOnly("other-worker", Thread.currentThread().getName());
      assertThatThrownBy(() -> capture.assertThat().noNPlusOne())
          .isExactlyInstanceOf(AssertionError.class)
          .hasMessageContaining("6 x [" + byIdShape() + "] at " + SHOP + "productNamesOneByOne(Shop.java:")
          .hasMessageContaining("Statements in everyone (7):");
    }
  }

  @Test
  void theRunningQueryLensReportsTheProblemOnceWhileEachCaptureFindsItAgain() throws Exception {
    for (int round = 1; round <= 2; round++) {
      try (QueryCapture capture = QueryLens.capture("round" + round, CaptureScope.THIS_THREAD)) {
        shop.productNamesOneByOne(1, 2, 3, 4, 5, 6);
        capture.close();
        assertThat(capture.findings()).extracting(Finding::type).containsExactly(FindingType.N_PLUS_ONE);
      }
      Thread.sleep(300); // past unit.thread.gap.ms, so the thread's burst ends
    }
    lens.runtime.flush();
    assertThat(lens.runtime.findings()).filteredOn(finding -> finding.type() == FindingType.N_PLUS_ONE)
        .hasSize(1);
  }
}
