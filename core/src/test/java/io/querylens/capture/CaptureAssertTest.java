package io.querylens.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.example.capture.Shop;
import io.querylens.QueryLens;
import io.querylens.config.Settings;
import io.querylens.finding.FindingType;
import io.querylens.testing.ShopFixture;
import io.querylens.testing.TestDatabases.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every check of {@link CaptureAssert}: it passes on good code, and on bad code fails with a message that names the
 * problem, shows the statement shape (with {@code ?}, never a value), the application call site, the fix where there
 * is one, and ends with the capture's statements. Statements run on a real database through
 * {@code QueryLens.wrap(pool)}, issued by {@link Shop} (application code, so its methods are the call sites).
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.querylens.testing.TestDatabases#all")
class CaptureAssertTest {

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

  /** The shape of {@link Shop}'s lookup by id, as querylens prints it. */
  private String byIdShape() {
    return "select p.id, p.name from " + lens.products() + " p where p.id = ?";
  }

  private String insertOrderShape() {
    return "insert into " + lens.orders() + " (product_id, quantity) values (?, ?)";
  }

  private String likeShape() {
    return "select p.name from " + lens.products() + " p where p.name like ? order by p.id";
  }

  private String sleepShape() {
    return database.isPostgres() ? "select pg_sleep(?)" : "select sleep_ms(?)";
  }

  /** Opens a THIS_THREAD capture named {@code name}. */
  private static QueryCapture capture(String name) {
    return QueryLens.capture(name, CaptureScope.THIS_THREAD);
  }

  /** The message of the {@link AssertionError} {@code check} throws (and fails when it throws nothing else). */
  private static String failureOf(QueryCapture capture, Consumer<CaptureAssert> check) {
    Throwable thrown = catchThrowable(() -> check.accept(capture.assertThat()));
    assertThat(thrown).as("the check should have failed").isExactlyInstanceOf(AssertionError.class);
    return thrown.getMessage();
  }

  @Nested
  class NoNPlusOne {

    @Test
    void passesWhenTheKeysAreLoadedInOneSelect() throws Exception {
      try (QueryCapture capture = capture("loadsAtOnce")) {
        assertThat(shop.productNamesAtOnce(1, 2, 3, 4, 5, 6, 7, 8)).hasSize(8);
        capture.assertThat().noNPlusOne();
      }
    }

    @Test
    void passesWhenTheSameKeyIsReadAgainAndAgain() throws Exception {
      try (QueryCapture capture = capture("rereads")) {
        shop.readSameProductRepeatedly(3, 10);
        capture.assertThat().noNPlusOne();
      }
    }

    @Test
    void passesBelowTheThreshold() throws Exception {
      try (QueryCapture capture = capture("fewLookups")) {
        shop.productNamesOneByOne(1, 2, 3, 4);
        capture.assertThat().noNPlusOne();
      }
    }

    @Test
    void failsOnALoopOfSelectsWithDistinctKeys() throws Exception {
      try (QueryCapture capture = capture("listsProducts")) {
        assertThat(shop.productNamesOneByOne(1, 2, 3, 4, 5, 6)).hasSize(6);

        String message = failureOf(capture, CaptureAssert::noNPlusOne);

        assertThat(message)
            .startsWith("Expected no N+1, found 1:\n")
            .contains("  6 x [" + byIdShape() + "] at " + SHOP + "productNamesOneByOne(Shop.java:")
            .contains("(N_PLUS_ONE, ")
            .contains("\n  Fix: Load them in one query")
            .contains("\nStatements in listsProducts (6):\n  6 x " + byIdShape());
      }
    }

    @Test
    void failsOnALoopOverOneReboundPreparedStatement() throws Exception {
      try (QueryCapture capture = capture("reboundLookups")) {
        shop.productNamesReusingStatement(11, 12, 13, 14, 15);

        assertThat(failureOf(capture, CaptureAssert::noNPlusOne))
            .startsWith("Expected no N+1, found 1:")
            .contains("5 x [" + byIdShape() + "] at " + SHOP + "productNamesReusingStatement(Shop.java:");
      }
    }

    @Test
    void failsOnALoopWithTheKeysWrittenIntoTheSqlAndShowsNoneOfThem() throws Exception {
      try (QueryCapture capture = capture("inlinedLookups")) {
        for (long id = 987_654_321; id < 987_654_327; id++) {
          shop.productNameInlined(id);
        }

        assertThat(failureOf(capture, CaptureAssert::noNPlusOne))
            .startsWith("Expected no N+1, found 1:")
            .contains("6 x [select p.name from " + lens.products() + " p where p.id = ?] at " + SHOP
                + "productNameInlined(Shop.java:")
            .doesNotContain("98765432");
      }
    }
  }

  @Nested
  class NoFindingsOfTypes {

    @Test
    void passesWhenOnlyOtherTypesWereFound() throws Exception {
      try (QueryCapture capture = capture("nPlusOneButFast")) {
        shop.productNamesOneByOne(1, 2, 3, 4, 5, 6);

        capture.assertThat().noFindings(FindingType.SLOW_QUERY);
        assertThat(capture.findings()).extracting(finding -> finding.type()).containsExactly(FindingType.N_PLUS_ONE);
      }
    }

    @Test
    void failsOnASlowQueryWithItsShapeAndCallSite() throws Exception {
      try (QueryCapture capture = capture("reportsSlowly")) {
        shop.sleepOnDatabase(200);

        assertThat(failureOf(capture, check -> check.noFindings(FindingType.SLOW_QUERY)))
            .startsWith("Expected no SLOW_QUERY findings, found 1:\n")
            .contains("  1 x [" + sleepShape() + "] at " + SHOP + "sleepOnDatabase(Shop.java:")
            .contains("(SLOW_QUERY, ")
            .contains("\n  Fix: Run EXPLAIN")
            .contains("\nStatements in reportsSlowly (1):\n  1 x " + sleepShape())
            .doesNotContain("200)")
            .doesNotContain("0.2");
      }
    }

    @Test
    void namesEveryTypeAskedForInTheHeadline() throws Exception {
      try (QueryCapture capture = capture("both")) {
        shop.productNamesOneByOne(1, 2, 3, 4, 5);
        shop.sleepOnDatabase(200);

        assertThat(failureOf(capture, check -> check.noFindings(FindingType.SLOW_QUERY, FindingType.N_PLUS_ONE)))
            .startsWith("Expected no N_PLUS_ONE or SLOW_QUERY findings, found 2:")
            .contains("5 x [" + byIdShape() + "] at " + SHOP + "productNamesOneByOne(Shop.java:")
            .contains("1 x [" + sleepShape() + "] at " + SHOP + "sleepOnDatabase(Shop.java:");
      }
    }

    @Test
    void refusesATypeNoRunningDetectorReports() throws Exception {
      try (QueryCapture capture = capture("unjudged")) {
        shop.productName(1);

        assertThatThrownBy(() -> capture.assertThat().noFindings(FindingType.MISSING_INDEX))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("no running detector for MISSING_INDEX");
        assertThatThrownBy(
            () -> capture.assertThat().noFindings(FindingType.N_PLUS_ONE, FindingType.POOL_EXHAUSTION))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("POOL_EXHAUSTION");
        assertThat(capture.judgedTypes()).containsExactlyInAnyOrder(FindingType.N_PLUS_ONE, FindingType.SLOW_QUERY,
            FindingType.UNBATCHED_WRITES, FindingType.REPEATED_QUERY, FindingType.SELECT_STAR,
            FindingType.OFFSET_PAGINATION, FindingType.UNBOUNDED_RESULT_SET, FindingType.SQL_LINT,
            FindingType.CONNECTION_LEAK);
      }
    }
  }

  @Nested
  class NoFindingsAtAll {

    @Test
    void passesOnGoodCode() throws Exception {
      try (QueryCapture capture = capture("good")) {
        shop.productNamesAtOnce(1, 2, 3, 4, 5, 6);
        shop.insertOrdersInBatch(1, 10);
        capture.assertThat().noFindings();
      }
    }

    @Test
    void failsListingEveryFindingWithItsFix() throws Exception {
      try (QueryCapture capture = capture("everythingWrong")) {
        shop.productNamesOneByOne(1, 2, 3, 4, 5, 6, 7);
        shop.sleepOnDatabase(200);

        String message = failureOf(capture, CaptureAssert::noFindings);

        assertThat(message)
            .startsWith("Expected no findings, found 2:")
            .contains("7 x [" + byIdShape() + "] at " + SHOP + "productNamesOneByOne(Shop.java:")
            .contains("1 x [" + sleepShape() + "] at " + SHOP + "sleepOnDatabase(Shop.java:")
            .contains("Statements in everythingWrong (8):");
        assertThat(message.split("\n  Fix: ", -1)).hasSize(3);
      }
    }

    @Test
    void judgesOnlyTheDetectorsThatRunAndRefusesTheOthers() throws Exception {
      lens.close();
      lens = ShopFixture.open(database, settings -> settings.set(Settings.DETECTORS_DISABLED, List.of("n-plus-one")));
      shop = lens.shop;
      try (QueryCapture capture = capture("withoutNPlusOne")) {
        shop.productNamesOneByOne(1, 2, 3, 4, 5, 6);

        capture.assertThat().noFindings();
        assertThat(capture.judgedTypes()).containsExactlyInAnyOrder(FindingType.SLOW_QUERY,
            FindingType.UNBATCHED_WRITES, FindingType.REPEATED_QUERY, FindingType.SELECT_STAR,
            FindingType.OFFSET_PAGINATION, FindingType.UNBOUNDED_RESULT_SET, FindingType.SQL_LINT,
            FindingType.CONNECTION_LEAK);
        assertThatThrownBy(() -> capture.assertThat().noNPlusOne())
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("no running detector for N_PLUS_ONE");
      }
    }
  }

  @Nested
  class MaxDuration {

    @Test
    void passesWithABoundNoStatementComesNear() throws Exception {
      try (QueryCapture capture = capture("quick")) {
        shop.productName(1);
        shop.sleepOnDatabase(200);
        capture.assertThat().maxDuration(Duration.ofSeconds(10));
      }
    }

    @Test
    void failsOnAStatementSlowOnTheDatabase() throws Exception {
      try (QueryCapture capture = capture("sleeps")) {
        shop.productName(1);
        shop.sleepOnDatabase(200);

        String message = failureOf(capture, check -> check.maxDuration(Duration.ofMillis(50)));

        assertThat(message)
            .startsWith("Expected every statement to take at most 50 ms, 1 took longer:\n  " + sleepShape() + " ")
            .containsPattern("\n  " + java.util.regex.Pattern.quote(sleepShape()) + " \\d+ ms at "
                + java.util.regex.Pattern.quote(SHOP + "sleepOnDatabase(Shop.java:"))
            .doesNotContain("productName(Shop.java")
            .contains("\nStatements in sleeps (2):");
        CapturedStatement slow = capture.statements().get(1);
        assertThat(slow.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(190));
      }
    }
  }

  @Nested
  class NoRepeatedSelects {

    @Test
    void passesWhenEverySelectHasOtherValues() throws Exception {
      try (QueryCapture capture = capture("distinct")) {
        shop.productNamesOneByOne(1, 2, 3);
        shop.productNamesAtOnce(1, 2);
        capture.assertThat().noRepeatedSelects();
      }
    }

    @Test
    void failsOnTheSameSelectWithTheSameValues() throws Exception {
      try (QueryCapture capture = capture("rereads")) {
        shop.productName(4);
        shop.readSameProductRepeatedly(3, 3);

        assertThat(failureOf(capture, CaptureAssert::noRepeatedSelects))
            .startsWith("Expected no select repeated with the same values, found 1:\n")
            .contains("  3 x [" + byIdShape() + "] with the same values, first at " + SHOP
                + "readSameProductRepeatedly(Shop.java:")
            .contains("\n  Fix: keep what the first read returned")
            .contains("\nStatements in rereads (4):\n  4 x " + byIdShape());
      }
    }

    @Test
    void aRepeatedSelectIsNotAnNPlusOne() throws Exception {
      try (QueryCapture capture = capture("rereads")) {
        shop.readSameProductRepeatedly(3, 8);
        capture.assertThat().noNPlusOne();
        assertThatThrownBy(() -> capture.assertThat().noRepeatedSelects()).isExactlyInstanceOf(AssertionError.class);
      }
    }
  }

  @Nested
  class WritesBatched {

    @Test
    void passesOnABatchAndASingleWrite() throws Exception {
      try (QueryCapture capture = capture("batches")) {
        shop.insertOrdersInBatch(1, 25);
        shop.placeOrder(2, 1);
        shop.raisePrices(1);
        capture.assertThat().writesBatched();
      }
    }

    @Test
    void failsOnInsertsOneRowAtATime() throws Exception {
      try (QueryCapture capture = capture("rowByRow")) {
        shop.insertOrdersOneByOne(1, 3);

        assertThat(failureOf(capture, CaptureAssert::writesBatched))
            .startsWith("Expected writes to be batched, found 1 statement executed row by row:\n")
            .contains("  3 x [" + insertOrderShape() + "] at " + SHOP + "insertOrdersOneByOne(Shop.java:")
            .contains("\n  Fix: addBatch()/executeBatch()")
            .contains("\nStatements in rowByRow (3):\n  3 x " + insertOrderShape());
      }
    }

    @Test
    void countsEveryUnbatchedShapeInTheHeadline() throws Exception {
      try (QueryCapture capture = capture("rowByRow")) {
        shop.insertOrdersOneByOne(1, 2);
        shop.raisePricesOneByOne(5, 1, 2, 3);

        assertThat(failureOf(capture, CaptureAssert::writesBatched))
            .startsWith("Expected writes to be batched, found 2 statements executed row by row:")
            .contains("2 x [" + insertOrderShape() + "]")
            .contains("3 x [update " + lens.products() + " set price = price + ? where id = ?] at " + SHOP
                + "raisePricesOneByOne(Shop.java:");
      }
    }
  }

  @Nested
  class AllUseBindParameters {

    @Test
    void passesOnPreparedStatements() throws Exception {
      try (QueryCapture capture = capture("bound")) {
        shop.productName(1);
        shop.namesLike("product-1%");
        shop.insertOrdersInBatch(1, 3);
        capture.assertThat().allUseBindParameters();
      }
    }

    @Test
    void failsOnValuesWrittenIntoTheSqlAndShowsThemMasked() throws Exception {
      try (QueryCapture capture = capture("inlined")) {
        shop.productName(1);
        shop.productNameInlined(987_654_321);

        assertThat(failureOf(capture, CaptureAssert::allUseBindParameters))
            .startsWith("Expected every statement to use bind parameters, 1 carried literal values in the SQL"
                + " (shown masked):\n")
            .contains("  select p.name from " + lens.products() + " p where p.id = ? ")
            .contains(" at " + SHOP + "productNameInlined(Shop.java:")
            .doesNotContain("987654321")
            .doesNotContain("productName(Shop.java")
            .contains("\n  Fix: use PreparedStatement")
            .contains("\nStatements in inlined (2):");
      }
    }
  }

  @Nested
  class NoLeadingWildcardLike {

    @Test
    void passesOnPrefixPatterns() throws Exception {
      try (QueryCapture capture = capture("prefixes")) {
        assertThat(shop.namesLike("product-1%")).hasSize(11);
        assertThat(shop.namesStartingWith("product-2")).containsExactly("product-2", "product-20");
        capture.assertThat().noLeadingWildcardLike();
      }
    }

    @Test
    void failsOnALiteralPatternStartingWithAWildcard() throws Exception {
      try (QueryCapture capture = capture("literalSuffix")) {
        assertThat(shop.namesEndingWith("-7")).containsExactly("product-7");

        assertThat(failureOf(capture, CaptureAssert::noLeadingWildcardLike))
            .startsWith("Expected no LIKE with a leading wildcard, found 1:\n  " + likeShape() + " ")
            .contains(" at " + SHOP + "namesEndingWith(Shop.java:")
            .doesNotContain("'%")
            .doesNotContain("-7'")
            .contains("\n  Fix: match on a prefix")
            .contains("\nStatements in literalSuffix (1):\n  1 x " + likeShape());
      }
    }

    @Test
    void failsOnABoundPatternStartingWithAWildcard() throws Exception {
      try (QueryCapture capture = capture("boundSuffix")) {
        shop.namesLike("product-1%");
        assertThat(shop.namesLike("%-7")).containsExactly("product-7");

        assertThat(failureOf(capture, CaptureAssert::noLeadingWildcardLike))
            .startsWith("Expected no LIKE with a leading wildcard, found 1:\n  " + likeShape() + " ")
            .contains(" at " + SHOP + "namesLike(Shop.java:")
            .doesNotContain("%-7")
            .contains("\nStatements in boundSuffix (2):\n  2 x " + likeShape());
      }
    }
  }

  @Nested
  class NoLeadingWildcardIlike {

    @Test
    void failsOnABoundIlikePatternStartingWithAWildcard() throws Exception {
      try (QueryCapture capture = capture("ilikeSuffix")) {
        assertThat(shop.namesLikeIgnoringCase("%-7")).containsExactly("product-7");

        assertThat(failureOf(capture, CaptureAssert::noLeadingWildcardLike))
            .startsWith("Expected no LIKE with a leading wildcard, found 1:")
            .contains(" at " + SHOP + "namesLikeIgnoringCase(Shop.java:");
      }
    }
  }

  @Nested
  class Counts {

    @Test
    void selectsExactlyPassesAndFails() throws Exception {
      try (QueryCapture capture = capture("twoLookups")) {
        shop.productName(1);
        shop.productName(2);

        capture.assertThat().selects().exactly(2);
        assertThat(failureOf(capture, check -> check.selects().exactly(1)))
            .startsWith("Expected exactly 1 selects, saw 2:\n")
            .contains("  2 x [" + byIdShape() + "] at " + SHOP + "productName(Shop.java:")
            .contains("\nStatements in twoLookups (2):\n  2 x " + byIdShape());
      }
    }

    @Test
    void selectsAtMostPassesOnOneSelectAndFailsOnAnNPlusOne() throws Exception {
      try (QueryCapture capture = capture("listsProducts")) {
        shop.productNamesAtOnce(1, 2, 3, 4, 5, 6);
        capture.assertThat().selects().atMost(1);

        shop.productNamesOneByOne(1, 2, 3, 4, 5, 6);
        assertThat(failureOf(capture, check -> check.selects().atMost(1)))
            .startsWith("Expected at most 1 selects, saw 7:\n")
            .contains("  1 x [select p.id, p.name from " + lens.products() + " p where p.id in (?) order by p.id] at "
                + SHOP + "productNamesAtOnce(Shop.java:")
            .contains("  6 x [" + byIdShape() + "] at " + SHOP + "productNamesOneByOne(Shop.java:")
            .contains("\nStatements in listsProducts (7):");
      }
    }

    @Test
    void selectsAtLeastPassesAndFails() throws Exception {
      try (QueryCapture capture = capture("writesOnly")) {
        shop.placeOrder(1, 2);

        assertThat(failureOf(capture, check -> check.selects().atLeast(1)))
            .startsWith("Expected at least 1 selects, saw 0:")
            .contains("\nStatements in writesOnly (1):\n  1 x " + insertOrderShape());

        shop.productName(1);
        capture.assertThat().selects().atLeast(1).statements().atLeast(2);
      }
    }

    @Test
    void selectsNonePassesOnWritesAndFailsOnARead() throws Exception {
      try (QueryCapture capture = capture("writes")) {
        shop.insertOrdersInBatch(1, 5);
        capture.assertThat().selects().none();

        shop.countProducts();
        assertThat(failureOf(capture, check -> check.selects().none()))
            .startsWith("Expected exactly 0 selects, saw 1:\n")
            .contains("  1 x [select count(*) from " + lens.products() + "] at " + SHOP + "countProducts(Shop.java:")
            .contains("\nStatements in writes (2):");
      }
    }

    @Test
    void insertsCountABatchAsOneStatement() throws Exception {
      try (QueryCapture capture = capture("inserts")) {
        shop.insertOrdersInBatch(1, 10);
        capture.assertThat().inserts().exactly(1).inserts().atMost(1).statements().exactly(1);

        shop.insertOrdersOneByOne(2, 2);
        assertThat(failureOf(capture, check -> check.inserts().atMost(1)))
            .startsWith("Expected at most 1 inserts, saw 3:\n")
            .contains("  1 x [" + insertOrderShape() + "] at " + SHOP + "insertOrdersInBatch(Shop.java:")
            .contains("  2 x [" + insertOrderShape() + "] at " + SHOP + "insertOrdersOneByOne(Shop.java:")
            .contains("\nStatements in inserts (3):\n  3 x " + insertOrderShape());
      }
    }

    @Test
    void updatesPassAndFail() throws Exception {
      try (QueryCapture capture = capture("updates")) {
        shop.raisePrices(1);
        capture.assertThat().updates().exactly(1).inserts().none().deletes().none();

        shop.raisePricesOneByOne(2, 1, 2);
        String updateOne = "update " + lens.products() + " set price = price + ? where id = ?";
        assertThat(failureOf(capture, check -> check.updates().atMost(1)))
            .startsWith("Expected at most 1 updates, saw 3:\n")
            .contains("  1 x [update " + lens.products() + " set price = price + ?] at " + SHOP
                + "raisePrices(Shop.java:")
            .contains("  2 x [" + updateOne + "] at " + SHOP + "raisePricesOneByOne(Shop.java:")
            .contains("\nStatements in updates (3):");
      }
    }

    @Test
    void deletesPassAndFail() throws Exception {
      try (QueryCapture capture = capture("deletes")) {
        shop.deleteOrdersOf(1);
        capture.assertThat().deletes().exactly(1).deletes().atLeast(1);

        assertThat(failureOf(capture, check -> check.deletes().none()))
            .startsWith("Expected exactly 0 deletes, saw 1:\n")
            .contains("  1 x [delete from " + lens.orders() + " where product_id = ?] at " + SHOP
                + "deleteOrdersOf(Shop.java:")
            .contains("\nStatements in deletes (1):");
      }
    }

    @Test
    void statementsCountEveryKindAndListThemAll() throws Exception {
      try (QueryCapture capture = capture("mixed")) {
        shop.productName(1);
        shop.placeOrder(1, 1);
        shop.raisePrices(1);
        shop.deleteOrdersOf(1);

        capture.assertThat().statements().exactly(4).statements().atMost(4).statements().atLeast(4)
            .selects().exactly(1).inserts().exactly(1).updates().exactly(1).deletes().exactly(1);
        assertThat(failureOf(capture, check -> check.statements().atMost(3)))
            .startsWith("Expected at most 3 statements, saw 4:\n")
            .contains("1 x [" + byIdShape() + "] at " + SHOP + "productName(Shop.java:")
            .contains("1 x [" + insertOrderShape() + "] at " + SHOP + "placeOrder(Shop.java:")
            .contains("raisePrices(Shop.java:")
            .contains("deleteOrdersOf(Shop.java:")
            .contains("\nStatements in mixed (4):");
        assertThat(failureOf(capture, check -> check.statements().none()))
            .startsWith("Expected exactly 0 statements, saw 4:");
      }
    }

    @Test
    void anEmptyCaptureSaysSo() {
      try (QueryCapture capture = capture("nothing")) {
        capture.assertThat().statements().none().selects().none().noFindings().noNPlusOne();
        assertThat(failureOf(capture, check -> check.statements().atLeast(1)))
            .isEqualTo("Expected at least 1 statements, saw 0:\nStatements in nothing (0): none");
      }
    }
  }
}
