package io.querylens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The agent on a Hibernate 7 application over HikariCP, in a forked JVM, on every JDK and database available. */
class HibernateAgentIT {

  private static final String APP = "com.example.shop.library.HibernateApp";

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdksAndDatabases")
  void reportsLazyCollectionLoadingOnceWithTheFixForCollections(Path jdk, String database) throws Exception {
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk).jvm("-Dscenario.db=" + database).run(APP, "lazy-collection");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    List<String> findings = run.reportLines();
    assertThat(findings).as(run.toString()).hasSize(1);
    assertThat(findings.get(0))
        .contains("\"type\":\"N_PLUS_ONE\"")
        .contains("\"tables\":[\"books\"]")
        .contains("\"columns\":[\"author_id\"]")
        .contains("\"callSite\":\"com.example.shop.library.LibraryService.bookCountsLazily(LibraryService.java:")
        .contains("\"count\":200")
        .contains("\"origin\":\"HIBERNATE_LAZY_COLLECTION\"")
        .contains("\"unitKind\":\"TRANSACTION\"")
        .contains("join fetch");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdksAndDatabases")
  void reportsLazyToOneProxiesWithTheFixForProxies(Path jdk, String database) throws Exception {
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk).jvm("-Dscenario.db=" + database).run(APP, "lazy-to-one");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    List<String> findings = run.reportLines();
    assertThat(findings).as(run.toString()).hasSize(1);
    assertThat(findings.get(0))
        .contains("\"type\":\"N_PLUS_ONE\"")
        .contains("\"tables\":[\"publishers\"]")
        .contains("\"columns\":[\"id\"]")
        .contains("\"callSite\":\"com.example.shop.library.LibraryService.publishersLazily(LibraryService.java:")
        .contains("\"count\":12")
        .contains("\"origin\":\"HIBERNATE_LAZY_TO_ONE\"")
        .contains("@ManyToOne");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdksAndDatabases")
  void reportsNothingForJoinFetch(Path jdk, String database) throws Exception {
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk).jvm("-Dscenario.db=" + database).run(APP, "join-fetch");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.reportLines()).as(run.toString()).isEmpty();
    assertThat(run.querylensLines()).as(run.toString()).hasSize(1);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdksAndDatabases")
  void reportsNothingForBatchFetching(Path jdk, String database) throws Exception {
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk).jvm("-Dscenario.db=" + database).run(APP, "batch-fetch");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.programOutput()).as(run.toString()).hasSize(200);
    assertThat(run.reportLines()).as(run.toString()).isEmpty();
  }
}
