package io.querylens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent on drivers beyond H2 and PostgreSQL (HSQLDB, SQLite and Derby in memory; MariaDB's own driver on the server
 * of {@code QUERYLENS_MARIADB_URL}), on every JDK available: the same
 * plain JDBC program gets its N+1 reported once with the right shape and call site, its fixed version nothing, and its
 * output is the same with and without the agent.
 */
class MoreDriversAgentIT {

  private static final String APP = "com.example.shop.PlainJdbcApp";

  static Stream<Arguments> jdksAndDrivers() {
    List<Named<String>> drivers = new java.util.ArrayList<>(List.of(Named.of("hsqldb", "hsqldb"),
        Named.of("sqlite", "sqlite"), Named.of("derby", "derby")));
    String mariaDb = Databases.mariaDbUrl();
    if (mariaDb != null) {
      drivers.add(Named.of("mariadb", mariaDb));
    }
    return ForkedJvm.jdks().stream().flatMap(jdk -> drivers.stream()
        .map(driver -> Arguments.of(Named.of(jdk.getFileName().toString(), jdk), driver)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("jdksAndDrivers")
  void reportsTheNPlusOneAndNothingForTheFixedVersion(Path jdk, String driver) throws Exception {
    ForkedJvm.Result nPlusOne = new ForkedJvm.Launch(jdk).jvm("-Dscenario.db=" + driver).run(APP, "nplusone");
    ForkedJvm.Result fixed = new ForkedJvm.Launch(jdk).jvm("-Dscenario.db=" + driver).run(APP, "fixed");
    ForkedJvm.Result bare = new ForkedJvm.Launch(jdk).withoutAgent().jvm("-Dscenario.db=" + driver)
        .run(APP, "nplusone");

    assertThat(nPlusOne.exitCode()).as(nPlusOne.toString()).isZero();
    List<String> findings = nPlusOne.reportLines();
    assertThat(findings).as(nPlusOne.toString()).singleElement().asString()
        .contains("\"type\":\"N_PLUS_ONE\"")
        .contains("\"sql\":\"select p.id, p.bio from profiles p where p.user_id = ?\"")
        .contains("\"callSite\":\"com.example.shop.FeedService.renderWithNPlusOne(FeedService.java:")
        .contains("\"count\":40");
    assertThat(fixed.exitCode()).as(fixed.toString()).isZero();
    assertThat(fixed.reportLines()).as(fixed.toString()).isEmpty();
    assertThat(appOutput(nPlusOne.stdout())).as("the program's own output").isEqualTo(appOutput(bare.stdout()))
        .contains("40: bio of user 40");
    assertThat(nPlusOne.stderr()).as(nPlusOne.toString()).doesNotContain("error", "Exception");
  }

  /** The program's lines, without log lines (which carry times and thread names). */
  private static List<String> appOutput(String stdout) {
    return stdout.lines().filter(line -> line.matches("\\d+: .*")).toList();
  }
}
