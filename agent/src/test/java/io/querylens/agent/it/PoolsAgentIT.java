package io.querylens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent on real connection pools (HikariCP, Apache DBCP2, Tomcat JDBC, c3p0) and on {@code DriverManager}, in forked
 * JVMs: pool exhaustion with the holders' call site, a leak and its follow-up, and nothing for light use.
 */
class PoolsAgentIT {

  private static final String APP = "com.example.pools.PoolsApp";

  /** Every pool on the first JDK with every database, and every pool on H2 with the other JDKs. */
  static Stream<Arguments> poolsJdksAndDatabases(List<String> pools) {
    List<Arguments> combinations = new ArrayList<>();
    List<Path> jdks = ForkedJvm.jdks();
    for (int j = 0; j < jdks.size(); j++) {
      for (String database : j == 0 ? Databases.all() : List.of("h2")) {
        for (String pool : pools) {
          combinations.add(Arguments.of(pool, Named.of(jdks.get(j).getFileName().toString(), jdks.get(j)),
              Named.of(Databases.label(database), database)));
        }
      }
    }
    return combinations.stream();
  }

  static Stream<Arguments> pools() {
    return poolsJdksAndDatabases(List.of("hikari", "dbcp2", "tomcat", "c3p0"));
  }

  static Stream<Arguments> poolsAndDriverManager() {
    return poolsJdksAndDatabases(List.of("hikari", "dbcp2", "tomcat", "c3p0", "drivermanager"));
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("pools")
  void reportsOneExhaustionEpisodeNamingThePoolAndTheHolders(String pool, Path jdk, String database)
      throws Exception {
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk).jvm("-Dscenario.db=" + database).run(APP, "exhaustion", pool);

    assertThat(run.exitCode()).as(run.toString()).isZero();
    List<String> exhaustion = run.reportLines().stream()
        .filter(line -> line.contains("\"type\":\"POOL_EXHAUSTION\"")).toList();
    assertThat(exhaustion).as(run.toString()).hasSize(1);
    assertThat(exhaustion.get(0))
        .contains("\"callSite\":\"com.example.pools.PoolsApp$Reports.build(PoolsApp.java:")
        .containsPattern("\"sql\":\"select sum\\(amount\\) from ledger_[0-9a-f]+ where account_id = \\?\"")
        .contains("\"poolSize\":4")
        .contains("4/4 connections in use")
        .contains(pool.equals("dbcp2") ? "\"pool\":\"BasicDataSource-" : "\"pool\":\"orders-pool\"");
    // Logged through the application's SLF4J where it has one (HikariCP brings it), else on stderr at exit.
    assertThat(run.stdout() + run.stderr()).containsPattern("(WARN|ERROR) querylens.pool-exhaustion - Pool '");
    assertThat(run.reportLines()).noneMatch(line -> line.contains("CONNECTION_LEAK"));
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("poolsAndDriverManager")
  void reportsALeakAfterTheThresholdAndSaysWhenItWasClosed(String pool, Path jdk, String database)
      throws Exception {
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk).agentArguments("leak.threshold.ms=500")
        .jvm("-Dscenario.db=" + database).run(APP, "leak", pool);

    assertThat(run.exitCode()).as(run.toString()).isZero();
    List<String> leaks = run.reportLines().stream()
        .filter(line -> line.contains("\"type\":\"CONNECTION_LEAK\"")).toList();
    assertThat(leaks).as(run.toString()).hasSize(2);
    assertThat(leaks.get(0)).contains("\"severity\":\"WARN\"")
        .contains("\"callSite\":\"com.example.pools.PoolsApp$ExportJob.start(PoolsApp.java:")
        .contains("\"reason\":\"HELD_TOO_LONG\"")
        .containsPattern("\"sql\":\"select id, amount from ledger_[0-9a-f]+ where account_id = \\?\"");
    assertThat(leaks.get(1)).contains("\"severity\":\"INFO\"").contains("was closed after 1.");
    assertThat(run.reportLines()).noneMatch(line -> line.contains("POOL_EXHAUSTION"));
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("poolsAndDriverManager")
  void reportsNothingForLightUseAndSummarisesThePool(String pool, Path jdk, String database) throws Exception {
    // The light scenario reads the same rows over and over on purpose; only connection findings concern this test.
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk)
        .agentArguments("summary=always,pool.stats.interval=1,detectors.disabled=repeated-query;n-plus-one")
        .jvm("-Dscenario.db=" + database).run(APP, "light", pool);

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.reportLines()).as(run.toString()).isEmpty();
    assertThat(run.stderr()).as(run.toString()).contains("Connections:").containsPattern(" 9[0-9] taken; wait p50 ");
    assertThat(run.stdout() + run.stderr()).as(run.toString())
        .containsPattern("INFO querylens.pool-stats - Pool statistics: .* taken; wait p50 ");
  }
}
