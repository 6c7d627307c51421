package io.querylens.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.capture.ShopHttpApp;
import io.querylens.QueryLens;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.testing.ShopFixture;
import io.querylens.testing.TestDatabases.TestDatabase;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Captures of work done on other threads for the test: a real HTTP server (the JDK's) whose handler threads read
 * through {@code QueryLens.wrap(hikariPool)}, called with {@link HttpClient}, and an {@link ExecutorService}. An
 * {@link CaptureScope#ALL_THREADS} capture sees those statements with their threads' call sites; a
 * {@link CaptureScope#THIS_THREAD} capture sees none of them.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.querylens.testing.TestDatabases#all")
class CrossThreadCaptureTest {

  private static final String HANDLER = "com.example.capture.ShopHttpApp.";

  @Parameter TestDatabase database;

  private ShopFixture lens;
  private ShopHttpApp app;
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10))
      .build();
  private ExecutorService workers;

  @BeforeEach
  void open() throws Exception {
    lens = ShopFixture.open(database);
    app = ShopHttpApp.start(lens.watched, lens.products());
    AtomicInteger counter = new AtomicInteger();
    workers = Executors.newFixedThreadPool(3, task -> new Thread(task, "shop-worker-" + counter.incrementAndGet()));
  }

  @AfterEach
  void close() throws Exception {
    try {
      if (workers != null) {
        workers.shutdownNow();
        workers.awaitTermination(10, TimeUnit.SECONDS);
      }
      if (app != null) {
        app.close();
      }
    } finally {
      if (lens != null) {
        lens.close();
      }
    }
  }

  private String get(String pathAndQuery) throws Exception {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(app.base().resolve(pathAndQuery)).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("%s answered %s", pathAndQuery, response.body()).isEqualTo(200);
    return response.body();
  }

  private String byIdShape() {
    return "select p.id, p.name from " + lens.products() + " p where p.id = ?";
  }

  @Test
  void anAllThreadsCaptureSeesTheHandlerThreadsStatements() throws Exception {
    try (QueryCapture capture = QueryLens.capture("namesAtOnce", CaptureScope.ALL_THREADS)) {
      assertThat(get("/names-at-once?ids=1,2,3")).isEqualTo("product-1,product-2,product-3");

      assertThat(capture.statements()).singleElement().satisfies(statement -> {
        assertThat(statement.sql())
            .isEqualTo("select p.id, p.name from " + lens.products() + " p where p.id = any(?) order by p.id");
        assertThat(statement.threadName()).startsWith("shop-http-");
        assertThat(statement.callSite()).startsWith(HANDLER + "namesInOneSelect(ShopHttpApp.java:");
        assertThat(statement.setBased()).isTrue();
      });
      capture.assertThat().noNPlusOne().selects().exactly(1);
    }
  }

  @Test
  void anNPlusOneInTheHandlerIsReportedAtTheHandlersCallSite() throws Exception {
    try (QueryCapture capture = QueryLens.capture("listsNames", CaptureScope.ALL_THREADS)) {
      assertThat(get("/names?ids=1,2,3,4,5,6")).isEqualTo("product-1,product-2,product-3,product-4,product-5,product-6");

      assertThat(capture.findings()).singleElement().satisfies(finding -> {
        assertThat(finding.type()).isEqualTo(FindingType.N_PLUS_ONE);
        assertThat(finding.sql()).isEqualTo(byIdShape());
        assertThat(finding.callSite()).startsWith(HANDLER + "namesOneByOne(ShopHttpApp.java:");
        assertThat(finding.count()).isEqualTo(6);
      });
      assertThatThrownBy(() -> capture.assertThat().noNPlusOne())
          .isExactlyInstanceOf(AssertionError.class)
          .hasMessageStartingWith("Expected no N+1, found 1:\n")
          .hasMessageContaining("6 x [" + byIdShape() + "] at " + HANDLER + "namesOneByOne(ShopHttpApp.java:")
          .hasMessageContaining("Statements in listsNames (6):\n  6 x " + byIdShape());
      assertThat(capture.statements()).extracting(CapturedStatement::threadName).allMatch(n -> n.startsWith("shop-http-"));
    }
  }

  @Test
  void anNPlusOneSpreadOverSeveralRequestsIsOneUnitOfTheCapture() throws Exception {
    try (QueryCapture capture = QueryLens.capture("onePerRequest", CaptureScope.ALL_THREADS)) {
      for (int id = 1; id <= 6; id++) {
        assertThat(get("/names?ids=" + id)).isEqualTo("product-" + id);
      }

      assertThat(capture.count()).isEqualTo(6);
      assertThat(capture.findings()).singleElement().satisfies(finding -> {
        assertThat(finding.type()).isEqualTo(FindingType.N_PLUS_ONE);
        assertThat(finding.callSite()).startsWith(HANDLER + "namesOneByOne(ShopHttpApp.java:");
        assertThat(finding.message()).contains("in capture onePerRequest");
      });
    }
  }

  @Test
  void aThisThreadCaptureSeesNoneOfTheHandlersStatements() throws Exception {
    try (QueryCapture capture = QueryLens.capture("testThreadOnly", CaptureScope.THIS_THREAD);
        QueryCapture everything = QueryLens.capture("everything", CaptureScope.ALL_THREADS)) {
      get("/names?ids=1,2,3,4,5,6");

      assertThat(capture.count()).isZero();
      assertThat(capture.statements()).isEmpty();
      assertThat(capture.findings()).isEmpty();
      capture.assertThat().statements().none().noNPlusOne();
      everything.assertThat().statements().exactly(6);
    }
  }

  @Test
  void anAllThreadsCaptureSeesExecutorTasks() throws Exception {
    try (QueryCapture capture = QueryLens.capture("fansOut", CaptureScope.ALL_THREADS);
        QueryCapture mine = QueryLens.capture("mine", CaptureScope.THIS_THREAD)) {
      List<Future<String>> names = new ArrayList<>();
      for (long id = 1; id <= 6; id++) {
        long productId = id;
        names.add(workers.submit(() -> lens.shop.productName(productId)));
      }
      for (int i = 0; i < names.size(); i++) {
        assertThat(names.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("product-" + (i + 1));
      }

      assertThat(capture.statements()).hasSize(6)
          .extracting(CapturedStatement::threadName).allMatch(name -> name.startsWith("shop-worker-"));
      List<Finding> findings = capture.findings();
      assertThat(findings).singleElement().satisfies(finding -> {
        assertThat(finding.type()).isEqualTo(FindingType.N_PLUS_ONE);
        assertThat(finding.callSite()).startsWith("com.example.capture.Shop.productName(Shop.java:");
      });
      assertThatThrownBy(() -> capture.assertThat().noNPlusOne())
          .hasMessageContaining("6 x [" + byIdShape() + "] at com.example.capture.Shop.productName(Shop.java:");

      assertThat(mine.count()).isZero();
      mine.assertThat().noNPlusOne().statements().none();
    }
  }
}
