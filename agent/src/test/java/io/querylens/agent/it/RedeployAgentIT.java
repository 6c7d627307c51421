package io.querylens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A web application deployed, used and undeployed five times, each time in a class loader of its own with its own H2
 * driver and its own Micrometer (what a servlet container does on redeploy): querylens watches every deployment, puts
 * its meters in each deployment's own Micrometer, and keeps none of their class loaders alive; without the agent, the
 * same, without meters.
 */
class RedeployAgentIT {

  private static final String CONTAINER = "com.example.shop.Redeploy";

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdks")
  void everyRedeployedApplicationsClassLoaderIsCollectedAfterQueryLensWatchedIt(Path jdk) throws Exception {
    String micrometer = System.getProperty("querylens.it.micrometer");
    assertThat(micrometer).as("querylens.it.micrometer (set by the build)").isNotBlank();
    ForkedJvm.Result watched = new ForkedJvm.Launch(jdk).run(CONTAINER, "10000", micrometer);
    ForkedJvm.Result bare = new ForkedJvm.Launch(jdk).withoutAgent().run(CONTAINER, "0", micrometer);

    assertThat(watched.exitCode()).as(watched.toString()).isZero();
    assertThat(bare.exitCode()).as(bare.toString()).isZero();
    for (int deployment = 1; deployment <= 5; deployment++) {
      assertThat(watched.stdout()).as(watched.toString()).contains("deployment " + deployment
          + ": 40 profiles, the last: bio of user 40, loaded by webapp-" + deployment);
      assertThat(bare.stdout()).as(bare.toString())
          .contains("deployment " + deployment + " meters: querylens.statements 0");
    }
    // Each deployment reads querylens' meters from its own Micrometer: counted so far, this one's included.
    List<Long> metered = watched.programOutput().stream().filter(line -> line.contains(" meters: "))
        .map(line -> Long.parseLong(line.substring(line.lastIndexOf(' ') + 1))).toList();
    System.out.println("[figures] redeploy on " + jdk.getFileName() + ": with querylens " + collected(watched)
        + "; without " + collected(bare) + "; querylens.statements in each deployment's Micrometer " + metered);
    assertThat(metered).as(watched.toString()).hasSize(5);
    for (int deployment = 1; deployment <= 5; deployment++) {
      assertThat(metered.get(deployment - 1)).as("deployment " + deployment + "'s meters\n" + watched)
          .isGreaterThanOrEqualTo(40L * deployment);
    }
    assertThat(collected(bare)).as(bare.toString()).startsWith("5 of 5 loaders collected");
    assertThat(collected(watched)).as(watched.toString()).startsWith("5 of 5 loaders collected");
    // The five deployments ran the same N+1 from the same call site: one finding, and the summary counts five.
    List<String> findings = watched.reportLines();
    assertThat(findings).as(watched.toString()).singleElement().asString()
        .contains("\"type\":\"N_PLUS_ONE\"")
        .contains("\"sql\":\"select p.id, p.bio from profiles p where p.user_id = ?\"")
        .contains("\"callSite\":\"com.example.shop.RedeployedApp.bio(RedeployedApp.java:")
        .contains("\"count\":40");
    assertThat(watched.stderr()).as(watched.toString())
        .contains("WARN N_PLUS_ONE seen 5 times: [select p.id, p.bio from profiles p where p.user_id = ?] at "
            + "com.example.shop.RedeployedApp.bio(RedeployedApp.java:");
    assertThat(watched.stderr()).as(watched.toString()).doesNotContain("error", "Exception");
  }

  private static String collected(ForkedJvm.Result run) {
    return run.programOutput().stream().filter(line -> line.contains("loaders collected")).findFirst()
        .orElse("(no figure)");
  }
}
