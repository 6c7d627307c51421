package io.querylens.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.capture.Shop;
import io.querylens.QueryLens;
import io.querylens.UnitOfWorkScope;
import io.querylens.capture.QueryCapture;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.testing.ShopFixture;
import io.querylens.testing.TestDatabases.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The unbatched-writes and repeated-query detectors on real databases, through the data source wrapper: each fires
 * on the bad case, stays quiet on the good one, and the two never report what the N+1 detector reports.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.querylens.testing.TestDatabases#all")
class UnitDetectorsOnDatabasesTest {

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

  private List<Finding> findingsOf(ThrowingRunnable work) throws Exception {
    try (QueryCapture capture = QueryLens.capture()) {
      work.run();
      capture.close();
      return capture.findings();
    }
  }

  private static List<Finding> ofType(List<Finding> findings, FindingType type) {
    return findings.stream().filter(finding -> finding.type() == type).toList();
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void insertsOneRowAtATimeAreUnbatchedWrites() throws Exception {
    List<Finding> unbatched = ofType(findingsOf(() -> shop.insertOrdersOneByOne(1, 12)),
        FindingType.UNBATCHED_WRITES);

    assertThat(unbatched).hasSize(1);
    Finding finding = unbatched.get(0);
    assertThat(finding.severity()).isEqualTo(Severity.WARN);
    assertThat(finding.count()).isEqualTo(12);
    assertThat(finding.sql()).startsWith("insert into " + lens.orders());
    assertThat(finding.tables()).containsExactly(lens.orders());
    assertThat(finding.callSite()).startsWith(SHOP + "insertOrdersOneByOne(Shop.java:");
    assertThat(finding.message()).startsWith("Unbatched writes: 12 single-row executions of [insert into ");
    assertThat(finding.suggestion()).contains("addBatch()").contains("executeBatch()");
  }

  @Test
  void updatesOneRowAtATimeAreUnbatchedWritesToo() throws Exception {
    List<Finding> unbatched = ofType(findingsOf(() -> shop.raisePricesOneByOne(1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)),
        FindingType.UNBATCHED_WRITES);

    assertThat(unbatched).singleElement().satisfies(finding -> {
      assertThat(finding.sql()).startsWith("update " + lens.products());
      assertThat(finding.count()).isEqualTo(10);
    });
  }

  @Test
  void aRealBatchAndAFewSingleWritesAreNot() throws Exception {
    List<Finding> findings = findingsOf(() -> {
      shop.insertOrdersInBatch(1, 50);
      shop.insertOrdersOneByOne(2, 9);
    });

    assertThat(ofType(findings, FindingType.UNBATCHED_WRITES)).isEmpty();
  }

  @Test
  void insertSelectWritesASetOfRowsAndIsNotUnbatched() throws Exception {
    List<Finding> findings = findingsOf(() -> {
      for (int i = 0; i < 12; i++) {
        shop.copyOrders(1, 100 + i);
      }
    });

    assertThat(ofType(findings, FindingType.UNBATCHED_WRITES)).isEmpty();
  }

  @Test
  void theSameSelectWithTheSameValuesIsARepeatedQuery() throws Exception {
    List<Finding> repeated = ofType(findingsOf(() -> shop.readSameProductRepeatedly(3, 4)),
        FindingType.REPEATED_QUERY);

    assertThat(repeated).singleElement().satisfies(finding -> {
      assertThat(finding.severity()).isEqualTo(Severity.INFO);
      assertThat(finding.count()).isEqualTo(4);
      assertThat(finding.sql()).isEqualTo("select p.id, p.name from " + lens.products() + " p where p.id = ?");
      assertThat(finding.callSite()).startsWith(SHOP + "readSameProductRepeatedly(Shop.java:");
      assertThat(finding.message()).contains("ran 4 times with the same values").doesNotContain("= 3");
    });
  }

  @Test
  void twiceIsNotRepeatedEnough() throws Exception {
    assertThat(ofType(findingsOf(() -> shop.readSameProductRepeatedly(3, 2)), FindingType.REPEATED_QUERY)).isEmpty();
  }

  @Test
  void anNPlusOneWithSomeKeysAgainIsReportedAsTheNPlusOneOnly() throws Exception {
    List<Finding> findings = findingsOf(() -> shop.productNamesOneByOne(1, 2, 3, 4, 5, 6, 1, 1, 1, 2, 3));

    assertThat(ofType(findings, FindingType.N_PLUS_ONE)).hasSize(1);
    assertThat(ofType(findings, FindingType.REPEATED_QUERY)).isEmpty();
  }

  @Test
  void aSelectStarIsReportedOncePerShapeWithItsCallSiteAndNamedColumnsOrExistsAreNot() throws Exception {
    // A shape is judged once its analysis, queued at its first execution, is done on querylens' worker: wait for it.
    List<Finding> stars = List.of();
    for (int attempt = 0; attempt < 200 && stars.isEmpty(); attempt++) {
      stars = ofType(findingsOf(() -> {
        shop.allProducts();
        shop.allProducts();
        shop.productName(1);
        shop.productsWithOrders();
        shop.countProducts();
      }), FindingType.SELECT_STAR);
      if (stars.isEmpty()) {
        Thread.sleep(25);
      }
    }

    assertThat(stars).singleElement().satisfies(finding -> {
      assertThat(finding.severity()).isEqualTo(Severity.INFO);
      assertThat(finding.sql()).isEqualTo("select * from " + lens.products() + " order by id");
      assertThat(finding.tables()).containsExactly(lens.products());
      assertThat(finding.callSite()).startsWith(SHOP + "allProducts(Shop.java:");
    });
  }

  @Test
  void theRunningQueryLensReportsThemOncePerProblemInTheLogAndReport() throws Exception {
    for (int run = 0; run < 2; run++) {
      try (UnitOfWorkScope scope = QueryLens.unitOfWork("import-" + run)) {
        shop.insertOrdersOneByOne(1, 10);
        shop.readSameProductRepeatedly(5, 3);
      }
    }
    lens.runtime.flush();

    List<Finding> findings = lens.runtime.findings();
    assertThat(ofType(findings, FindingType.UNBATCHED_WRITES)).hasSize(1);
    assertThat(ofType(findings, FindingType.REPEATED_QUERY)).hasSize(1);
    assertThat(ofType(findings, FindingType.UNBATCHED_WRITES).get(0).details()).containsEntry("unit", "scope import-0");
  }
}
