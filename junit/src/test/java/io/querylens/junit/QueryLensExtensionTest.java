package io.querylens.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.example.orders.OrderService;
import io.querylens.QueryLens;
import io.querylens.capture.CaptureScope;
import io.querylens.capture.QueryCapture;
import io.querylens.finding.FindingType;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Runs small test classes (the nested {@code Sample*} classes, which Surefire does not run by itself) with the JUnit
 * engine and checks what passes, what fails and with which message. Statements go through
 * {@code QueryLens.wrap(dataSource)} over H2.
 */
class QueryLensExtensionTest {

  static OrderService newService() {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    OrderService service = new OrderService(QueryLens.wrap(h2));
    try {
      service.createSchema();
    } catch (SQLException failed) {
      throw new IllegalStateException(failed);
    }
    return service;
  }

  private static EngineExecutionResults run(Class<?> sample, String defaults) {
    var kit = EngineTestKit.engine("junit-jupiter").selectors(selectClass(sample));
    if (defaults != null) {
      kit = kit.configurationParameter(Checks.DEFAULTS, defaults);
    }
    return kit.execute();
  }

  private static Map<String, String> failures(EngineExecutionResults results) {
    return results.testEvents().failed().stream().collect(Collectors.toMap(
        event -> event.getTestDescriptor().getDisplayName().replaceAll("\\(.*\\)", ""),
        event -> event.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable)
            .map(Throwable::getMessage).orElse("")));
  }

  private static List<String> passed(EngineExecutionResults results) {
    return results.testEvents().succeeded().stream()
        .map(event -> event.getTestDescriptor().getDisplayName().replaceAll("\\(.*\\)", "")).toList();
  }

  @Test
  void passesTestsWhoseStatementsKeepTheRulesAndFailsTheOthersWithTheSqlAndTheFix() {
    EngineExecutionResults results = run(SampleChecks.class, null);
    Map<String, String> failed = failures(results);

    assertThat(passed(results)).containsExactlyInAnyOrder("joinedListPasses", "batchedImportPasses",
        "oneDeletePasses", "boundValuesPass", "fastStatementsPass", "prefixSearchPasses", "differentProductsPass",
        "noFindingsPasses");
    assertThat(failed).containsOnlyKeys("nPlusOneFails", "rowByRowImportFails", "repeatedSelectFails",
        "literalFails", "leadingWildcardFails", "slowStatementFails", "tooManySelectsFail", "slowQueryFindingFails",
        "wrongWriteCountsFail");
    assertThat(failed.get("wrongWriteCountsFail"))
        .contains("Expected exactly 0 inserts, saw 1:\n  1 x [insert into products (id, sku) values (?, ?)] at "
            + "com.example.orders.OrderService.importBatched(OrderService.java:")
        .contains("Expected at least 1 updates, saw 0:")
        .contains("Expected exactly 2 deletes, saw 1:\n  1 x [delete from products where id = ?] at ")
        .contains("Expected at most 1 statements, saw 2:");

    assertThat(failed.get("nPlusOneFails"))
        .startsWith("Expected no N+1, found 1:\n  20 x [select sku from products where id = ?] at "
            + "com.example.orders.OrderService.sku(OrderService.java:")
        .contains("  Fix: ")
        .contains("Statements in SampleChecks.nPlusOneFails (21):\n  1 x select id, product_id from orders order by id"
            + "\n  20 x select sku from products where id = ?");
    assertThat(failed.get("rowByRowImportFails"))
        .startsWith("Expected writes to be batched, found 1 statement executed row by row:\n  5 x [insert into "
            + "products (id, sku) values (?, ?)] at com.example.orders.OrderService.importRowByRow(OrderService.java:")
        .contains("hibernate.jdbc.batch_size");
    assertThat(failed.get("repeatedSelectFails"))
        .startsWith("Expected no select repeated with the same values, found 1:\n  2 x [select sku from products"
            + " where id = ?] with the same values, first at com.example.orders.OrderService.sku(");
    assertThat(failed.get("literalFails"))
        .startsWith("Expected every statement to use bind parameters, 1 carried literal values in the SQL (shown "
            + "masked):\n  select id from products where id > ?")
        .doesNotContain("> 5");
    assertThat(failed.get("leadingWildcardFails"))
        .startsWith("Expected no LIKE with a leading wildcard, found 1:\n  select id from products where name like ?")
        .contains("pg_trgm")
        .doesNotContain("%ice%");
    assertThat(failed.get("slowStatementFails"))
        .startsWith("Expected every statement to take at most 50 ms, 1 took longer:\n  select sleep_ms(?) ")
        .contains(" at com.example.orders.OrderService.slow(OrderService.java:");
    assertThat(failed.get("tooManySelectsFail"))
        .startsWith("Expected at most 2 selects, saw 21:\n  1 x [select id, product_id from orders order by id] at "
            + "com.example.orders.OrderService.listOrdersOneByOne(OrderService.java:")
        .contains("\n  20 x [select sku from products where id = ?] at com.example.orders.OrderService.sku(");
    assertThat(failed.get("slowQueryFindingFails"))
        .startsWith("Expected no SLOW_QUERY findings, found 1:\n  1 x [select sleep_ms(?)] at "
            + "com.example.orders.OrderService.slow(OrderService.java:");
  }

  @Test
  void listsEveryBrokenCheckOfATestInOneFailureWithTheStatementsOnce() {
    Map<String, String> failed = failures(run(SampleSeveralChecks.class, null));

    String message = failed.get("breaksTwoRules");
    assertThat(message)
        .contains("Expected no N+1, found 1:")
        .contains("Expected at most 3 selects, saw 21:");
    assertThat(message.split("Statements in ", -1)).hasSize(2);
  }

  @Test
  void classAnnotationsApplyToEveryTestAndRelaxTurnsOneOffWithItsReason() {
    EngineExecutionResults results = run(SampleClassRules.class, null);

    assertThat(passed(results)).containsExactlyInAnyOrder("relaxedWithAReason", "keepsTheRule");
    assertThat(failures(results)).containsOnlyKeys("breaksTheRule", "relaxedWithoutAReason");
    assertThat(failures(results).get("relaxedWithoutAReason")).contains("@Relax on relaxedWithoutAReason needs a reason");
    List<String> entries = results.allEvents().reportingEntryPublished().stream()
        .map(event -> event.getPayload(ReportEntry.class).orElseThrow().getKeyValuePairs().toString()).toList();
    assertThat(entries).containsExactly("{querylens.relaxed=@NoNPlusOne: the legacy export reads row by row, TICKET-12}");
  }

  @Test
  void globalDefaultsApplyToTestsWithoutAnnotationsAndAMethodAnnotationReplacesThem() {
    EngineExecutionResults results = run(SampleNoAnnotations.class, "NoNPlusOne, ExpectSelects.max=5");

    assertThat(passed(results)).containsExactly("allowedMoreSelects");
    assertThat(failures(results).get("listsOneByOne"))
        .contains("Expected no N+1, found 1:")
        .contains("Expected at most 5 selects, saw 21:");
  }

  @Test
  void aMistakeInTheDefaultsFailsTheTestsWithTheKnownChecks() {
    Map<String, String> failed = failures(run(SampleNoAnnotations.class, "NoNPlusOne, NoSuchCheck"));

    assertThat(failed.get("allowedMoreSelects"))
        .startsWith("querylens.defaults: unknown check 'NoSuchCheck'; known: [NoNPlusOne, ");
  }

  @Test
  void capturesOnlyTheTestMethodAndHandsTheCaptureToTheTest() {
    EngineExecutionResults results = run(SampleParameterAndSeeding.class, null);

    assertThat(failures(results)).isEmpty();
    assertThat(passed(results)).containsExactly("seedingInBeforeEachDoesNotCount");
  }

  @Test
  void aTestThatFailsOnItsOwnIsReportedWithItsOwnFailureOnly() {
    Map<String, String> failed = failures(run(SampleOwnFailure.class, null));

    assertThat(failed).containsExactly(Map.entry("failsOnItsOwn", "the test's own failure"));
  }

  @Test
  void aNestedClassCapturesWithTheScopeAndChecksOfItsEnclosingClass() {
    Map<String, String> failed = failures(run(SampleNestedAllThreads.class, null));

    assertThat(failed).containsOnlyKeys("nPlusOneOnAnExecutorInANestedClass");
    assertThat(failed.get("nPlusOneOnAnExecutorInANestedClass")).contains("Expected no N+1, found 1:");
  }

  @Test
  void allThreadsScopeSeesTheWorkOfOtherThreads() {
    Map<String, String> failed = failures(run(SampleAllThreads.class, null));

    assertThat(failed).containsOnlyKeys("nPlusOneOnAnExecutor");
    assertThat(failed.get("nPlusOneOnAnExecutor")).contains("Expected no N+1, found 1:\n  20 x [select sku from "
        + "products where id = ?]");
  }

  @QueryLensTest(scope = CaptureScope.ALL_THREADS)
  @NoNPlusOne
  static class SampleNestedAllThreads {
    @org.junit.jupiter.api.Nested
    class Orders {
      @Test
      void nPlusOneOnAnExecutorInANestedClass() throws Exception {
        OrderService service = newService();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
          executor.submit(service::listOrdersOneByOne).get();
        } finally {
          executor.shutdown();
        }
      }
    }
  }

  @QueryLensTest
  static class SampleChecks {
    static OrderService service;

    @BeforeAll
    static void createService() {
      service = newService();
    }

    @Test
    @NoNPlusOne
    @ExpectSelects(1)
    void joinedListPasses() throws SQLException {
      service.listOrdersJoined();
    }

    @Test
    @NoNPlusOne
    void nPlusOneFails() throws SQLException {
      service.listOrdersOneByOne();
    }

    @Test
    @ExpectSelects(max = 2)
    void tooManySelectsFail() throws SQLException {
      service.listOrdersOneByOne();
    }

    @Test
    @ExpectBatchedWrites
    @ExpectInserts(1)
    void batchedImportPasses() throws SQLException {
      service.importBatched(1000, 5);
    }

    @Test
    @ExpectBatchedWrites
    void rowByRowImportFails() throws SQLException {
      service.importRowByRow(2000, 5);
    }

    @Test
    @ExpectDeletes(1)
    @ExpectUpdates(0)
    @ExpectStatements(min = 1, max = 1)
    void oneDeletePasses() throws SQLException {
      service.deleteProduct(999);
    }

    @Test
    @ExpectInserts(0)
    @ExpectUpdates(min = 1)
    @ExpectDeletes(2)
    @ExpectStatements(max = 1)
    void wrongWriteCountsFail() throws SQLException {
      service.importBatched(3000, 2);
      service.deleteProduct(998);
    }

    @Test
    @NoFindings
    void noFindingsPasses() throws SQLException {
      service.listOrdersJoined();
    }

    @Test
    @NoRepeatedSelects
    void repeatedSelectFails() throws SQLException {
      service.productTwice(3);
    }

    @Test
    @NoRepeatedSelects
    void differentProductsPass() throws SQLException {
      service.searchContaining("1");
      service.searchContaining("2");
    }

    @Test
    @AllUseBindParameters
    void boundValuesPass() throws SQLException {
      service.productTwice(5);
    }

    @Test
    @AllUseBindParameters
    void literalFails() throws SQLException {
      service.countWithLiteral();
    }

    @Test
    @NoLeadingWildcardLike
    void leadingWildcardFails() throws SQLException {
      service.searchContaining("ice");
    }

    @Test
    @NoLeadingWildcardLike
    void prefixSearchPasses() throws SQLException {
      service.listOrdersJoined();
    }

    @Test
    @MaxStatementTime(millis = 50)
    void slowStatementFails() throws SQLException {
      service.slow(300);
    }

    @Test
    @MaxStatementTime(millis = 10_000)
    void fastStatementsPass() throws SQLException {
      service.listOrdersJoined();
    }

    @Test
    @NoFindings(FindingType.SLOW_QUERY)
    void slowQueryFindingFails() throws SQLException {
      service.slow(300);
    }
  }

  @QueryLensTest
  static class SampleSeveralChecks {
    @Test
    @NoNPlusOne
    @ExpectSelects(max = 3)
    void breaksTwoRules() throws SQLException {
      newService().listOrdersOneByOne();
    }
  }

  @QueryLensTest
  @NoNPlusOne
  static class SampleClassRules {
    static OrderService service;

    @BeforeAll
    static void createService() {
      service = newService();
    }

    @Test
    void breaksTheRule() throws SQLException {
      service.listOrdersOneByOne();
    }

    @Test
    void keepsTheRule() throws SQLException {
      service.listOrdersJoined();
    }

    @Test
    @Relax(value = NoNPlusOne.class, reason = "the legacy export reads row by row, TICKET-12")
    void relaxedWithAReason() throws SQLException {
      service.listOrdersOneByOne();
    }

    @Test
    @Relax(value = NoNPlusOne.class, reason = " ")
    void relaxedWithoutAReason() throws SQLException {
      service.listOrdersOneByOne();
    }
  }

  @QueryLensTest
  static class SampleNoAnnotations {
    static OrderService service;

    @BeforeAll
    static void createService() {
      service = newService();
    }

    @Test
    void listsOneByOne() throws SQLException {
      service.listOrdersOneByOne();
    }

    @Test
    @ExpectSelects(max = 30)
    @Relax(value = NoNPlusOne.class, reason = "measures the N+1 on purpose")
    void allowedMoreSelects() throws SQLException {
      service.listOrdersOneByOne();
    }
  }

  @QueryLensTest
  static class SampleParameterAndSeeding {
    static OrderService service;

    @BeforeAll
    static void createService() {
      service = newService();
    }

    @BeforeEach
    void seed() throws SQLException {
      service.importRowByRow(5000, 3);
    }

    @Test
    @ExpectInserts(0)
    @ExpectSelects(1)
    void seedingInBeforeEachDoesNotCount(QueryCapture capture) throws SQLException {
      service.listOrdersJoined();
      capture.assertThat().statements().exactly(1);
      assertThat(capture.statements().get(0).sql()).startsWith("select o.id, p.sku from orders o join products p");
    }
  }

  @QueryLensTest
  @NoNPlusOne
  static class SampleOwnFailure {
    @Test
    void failsOnItsOwn() throws SQLException {
      newService().listOrdersOneByOne();
      throw new AssertionError("the test's own failure");
    }
  }

  @QueryLensTest(scope = CaptureScope.ALL_THREADS)
  @NoNPlusOne
  static class SampleAllThreads {
    @Test
    void nPlusOneOnAnExecutor() throws Exception {
      OrderService service = newService();
      ExecutorService executor = Executors.newSingleThreadExecutor();
      try {
        executor.submit(service::listOrdersOneByOne).get();
      } finally {
        executor.shutdown();
      }
    }
  }

  @Test
  void noConnectionLeakFailsATestThatLeavesAConnectionOpenNamingWhereItWasTaken() {
    EngineExecutionResults results = run(SampleConnections.class, null);

    assertThat(passed(results)).containsExactlyInAnyOrder("closesWhatItTakes");
    assertThat(failures(results)).containsOnlyKeys("leavesOneOpen");
    assertThat(failures(results).get("leavesOneOpen"))
        .startsWith("Expected no CONNECTION_LEAK findings, found 1:\n  Connection leak: connection from "
            + "JdbcDataSource (unpooled) taken at com.example.orders.OrderService.openReportConnection(OrderService.java:")
        .contains("was still open when SampleConnections.leavesOneOpen ended")
        .contains("last statement: [select count(*) from orders]")
        .contains("try-with-resources");
  }

  @QueryLensTest
  @NoConnectionLeak
  static class SampleConnections {
    static OrderService service;
    static java.sql.Connection leaked;

    @BeforeAll
    static void createService() {
      service = newService();
    }

    @org.junit.jupiter.api.AfterAll
    static void closeTheLeak() throws SQLException {
      if (leaked != null) {
        leaked.close();
      }
    }

    @Test
    void closesWhatItTakes() throws SQLException {
      service.listOrdersJoined();
    }

    @Test
    void leavesOneOpen() throws SQLException {
      leaked = service.openReportConnection();
    }
  }
}
