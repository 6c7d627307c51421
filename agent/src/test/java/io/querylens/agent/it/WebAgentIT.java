package io.querylens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The agent on a servlet application (Jetty 12, jakarta) over HikariCP: HTTP requests are the units of work. */
class WebAgentIT {

  private static final String APP = "com.example.shop.web.WebApp";

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdksAndDatabases")
  void reportsTheNPlusOneOfAnEndpointOnceAndNotTheOneQueryPerRequestEndpoint(Path jdk, String database)
      throws Exception {
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk).jvm("-Dscenario.db=" + database).run(APP);

    assertThat(run.exitCode()).as(run.toString()).isZero();
    List<String> findings = run.reportLines();
    assertThat(findings).as(run.toString()).hasSize(1);
    assertThat(findings.get(0))
        .contains("\"type\":\"N_PLUS_ONE\"")
        .contains("\"sql\":\"select bio from web_profiles where user_id = ?\"")
        .contains("\"callSite\":\"com.example.shop.web.WebApp$FeedServlet.profileOf(WebApp.java:")
        .contains("\"count\":30")
        .contains("\"unit\":\"request GET /feed\"")
        .contains("\"unitKind\":\"REQUEST\"");
    assertThat(run.stdout()).contains("in request GET /feed");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdks")
  void treatsAJavaxServletRequestAsAUnitOfWorkWithIdsFoldedInItsName(Path jdk) throws Exception {
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk).run("com.example.shop.web.LegacyServletApp");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    List<String> findings = run.reportLines();
    assertThat(findings).as(run.toString()).hasSize(1);
    assertThat(findings.get(0))
        .contains("\"callSite\":\"com.example.shop.web.LegacyServletApp$OrdersServlet.doGet(LegacyServletApp.java:")
        .contains("\"count\":9")
        .contains("\"unit\":\"request GET /legacy/customers/{id}/orders\"");
  }
}
