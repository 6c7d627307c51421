package io.querylens.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.shipping.CarrierDashboard;
import io.querylens.QueryLens;
import io.querylens.config.Settings;
import io.querylens.endpoint.EndpointSummary;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.testing.PoolLens;
import io.querylens.testing.TestDatabases.TestDatabase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Chatty requests and the endpoint view on real databases, with requests opened and ended the way the agent's servlet
 * advice does (Spring MVC's route template given at the end): a page of 32 small different reads is reported once per
 * endpoint with the shapes that made it chatty; a small page, and a page whose statements are one N+1, are not.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.querylens.testing.TestDatabases#all")
class ChattyRequestOnDatabasesTest {

  private static final String DASHBOARD = "GET /carriers/{carrierId}/dashboard";

  @Parameter TestDatabase database;

  private PoolLens lens;
  private String table;

  @AfterEach
  void close() throws Exception {
    if (lens != null) {
      lens.close();
    }
  }

  private CarrierDashboard dashboard(int maxStatements, long maxDatabaseMs) throws Exception {
    lens = new PoolLens(database, settings -> settings.set(Settings.INDEX_ADVICE, false)
        .set(Settings.REQUEST_MAX_STATEMENTS, maxStatements).set(Settings.REQUEST_MAX_DB_MS, maxDatabaseMs));
    var shipments = lens.shipments("chatty", 20_000);
    table = shipments.table();
    return new CarrierDashboard(shipments);
  }

  /** The shutdown summary querylens would write now. */
  private String summaryText() {
    lens.runtime.flush();
    var problems = lens.runtime.problems();
    return io.querylens.report.RunSummary.of(lens.runtime.recorder().statementCount(),
        lens.runtime.shapes().shapesWithPlaceholders(), problems, 10, 0, java.util.Map.of(), List.of(),
        lens.runtime.recorder().endpoints().summaries(), 0).text();
  }

  private List<Finding> chatty() {
    lens.runtime.flush();
    return lens.runtime.findings().stream().filter(finding -> finding.type() == FindingType.CHATTY_REQUEST).toList();
  }

  @Test
  @SuppressWarnings("unchecked")
  void aPageOfManySmallDifferentReadsIsReportedOncePerEndpointWithItsShapes() throws Exception {
    CarrierDashboard dashboard = dashboard(20, 60_000);
    PoolLens.request("/carriers/17/dashboard", "/carriers/{carrierId}/dashboard", () -> dashboard.render(17));
    PoolLens.request("/carriers/42/dashboard", "/carriers/{carrierId}/dashboard", () -> dashboard.render(42));
    String summary = summaryText();
    assertThat(summary).contains("WARN CHATTY_REQUEST seen 2 times: [")
        .contains("GET /carriers/{carrierId}/dashboard: 2 requests; statements 32/32/32;");

    assertThat(chatty()).singleElement().satisfies(finding -> {
      assertThat(finding.severity()).isEqualTo(Severity.WARN);
      assertThat(finding.detectorId()).isEqualTo("chatty-request");
      assertThat(finding.count()).isEqualTo(CarrierDashboard.STATEMENTS);
      assertThat(finding.message()).startsWith("Chatty request: " + DASHBOARD + " ran 32 statements taking ")
          .contains("(more than 20 statements). Most of it: 4 x [select ")
          .contains(" from com.example.shipping.Shipments.").doesNotContain("= 17").doesNotContain("note 4");
      assertThat(finding.callSite()).startsWith("com.example.shipping.Shipments.");
      assertThat(finding.tables()).containsExactly(table);
      assertThat(finding.details()).containsEntry("unit", "request " + DASHBOARD).containsEntry("statements", 32L)
          .containsEntry("maxStatements", 20L);
      assertThat((List<?>) finding.details().get("shapes")).hasSize(ChattyRequestDetector.TOP_SHAPES)
          .allSatisfy(shape -> assertThat((Map<String, Object>) shape).containsEntry("executions", 4L)
              .containsKeys("sql", "databaseMs", "callSite"));
      assertThat(finding.suggestion()).contains("fewer statements");
    });

    assertThat(QueryLens.endpoints()).singleElement().satisfies(endpoint -> {
      assertThat(endpoint.name()).isEqualTo(DASHBOARD);
      assertThat(endpoint.requests()).isEqualTo(2);
      assertThat(endpoint.statements()).isEqualTo(64);
      assertThat(endpoint.statementsP50()).isEqualTo(32);
      assertThat(endpoint.statementsP95()).isEqualTo(32);
      assertThat(endpoint.statementsMax()).isEqualTo(32);
      assertThat(endpoint.databaseNanos()).isPositive();
      assertThat(endpoint.databaseMaxNanos()).isGreaterThanOrEqualTo(endpoint.databaseP50Nanos()).isPositive();
    });
  }

  @Test
  void databaseTimeOverTheLimitIsChattyToo() throws Exception {
    CarrierDashboard dashboard = dashboard(1_000, 1);
    PoolLens.request("/carriers/17/dashboard", "/carriers/{carrierId}/dashboard", () -> dashboard.render(17));

    assertThat(chatty()).singleElement().satisfies(finding -> assertThat(finding.message())
        .contains("(more than 1.0 ms of database time)").contains("Most of it: "));
  }

  @Test
  void aSmallPageAndAPageThatIsOneNPlusOneAreNotChatty() throws Exception {
    CarrierDashboard dashboard = dashboard(20, 60_000);
    PoolLens.request("/carriers/17", "/carriers/{carrierId}", () -> dashboard.summary(17));
    PoolLens.request("/carriers", "/carriers", () -> dashboard.everyCarrier(40));

    assertThat(chatty()).isEmpty();
    assertThat(lens.runtime.findings()).anySatisfy(finding -> {
      assertThat(finding.type()).isEqualTo(FindingType.N_PLUS_ONE);
      assertThat(finding.details()).containsEntry("unit", "request GET /carriers");
    });
    assertThat(QueryLens.endpoints()).extracting(EndpointSummary::name, EndpointSummary::statementsMax)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("GET /carriers", 40L),
            org.assertj.core.groups.Tuple.tuple("GET /carriers/{carrierId}", 3L));
  }

  @Test
  void withoutARouteTemplateTheRequestIsNamedByItsPathWithIdsFolded() throws Exception {
    CarrierDashboard dashboard = dashboard(20, 60_000);
    PoolLens.request("/carriers/17/dashboard", null, () -> dashboard.render(17));

    assertThat(chatty()).singleElement().satisfies(finding -> assertThat(finding.details())
        .containsEntry("unit", "request GET /carriers/{id}/dashboard"));
  }
}
