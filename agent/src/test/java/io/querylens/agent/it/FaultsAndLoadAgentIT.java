package io.querylens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Faults and load through the agent, in forked JVMs: a database that dies mid-run, a report file on a full disk, and
 * 64 threads through one pool. The application sees what it sees without the agent, querylens says once what went
 * wrong, and counts every statement exactly once.
 */
class FaultsAndLoadAgentIT {

  private static final Pattern SUMMARY = Pattern.compile("querylens summary: ([\\d,]+) statements");

  /** Every database on the first JDK, H2 on the others. */
  static Stream<Arguments> jdksAndDatabases() {
    List<Arguments> combinations = new ArrayList<>();
    List<Path> jdks = ForkedJvm.jdks();
    for (int j = 0; j < jdks.size(); j++) {
      for (String database : j == 0 ? Databases.all() : List.of("h2")) {
        combinations.add(Arguments.of(Named.of(jdks.get(j).getFileName().toString(), jdks.get(j)),
            Named.of(Databases.label(database), database)));
      }
    }
    return combinations.stream();
  }

  static Stream<Arguments> jdks() {
    return ForkedJvm.jdks().stream().map(jdk -> Arguments.of(Named.of(jdk.getFileName().toString(), jdk)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("jdksAndDatabases")
  void aDatabaseThatDiesMidRunLooksTheSameToTheApplicationWithTheAgent(Path jdk, String database) throws Exception {
    String table = "dies_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 100_000;
    ForkedJvm.Result bare = new ForkedJvm.Launch(jdk).withoutAgent().jvm("-Dscenario.db=" + database)
        .run("com.example.shop.FaultsApp", "database-dies", table);
    ForkedJvm.Result watched = new ForkedJvm.Launch(jdk).agentArguments("summary=always")
        .jvm("-Dscenario.db=" + database).run("com.example.shop.FaultsApp", "database-dies", table);

    List<String> steps = steps(bare);
    assertThat(steps).as(bare.toString()).hasSize(8).anyMatch(step -> step.startsWith("step error "));
    assertThat(steps(watched)).as(watched.toString()).isEqualTo(steps);
    assertThat(watched.exitCode()).isEqualTo(bare.exitCode()).isZero();
    assertThat(watched.stderr()).as(watched.toString()).contains("querylens summary:")
        .doesNotContain("internal error").doesNotContain("Exception");
    System.out.println("[figures] database dies mid-run under the agent on " + Databases.label(database) + ": "
        + steps.size() + " steps, " + steps.stream().filter(step -> step.startsWith("step error ")).count()
        + " errors, identical");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void aReportFileOnAFullDiskIsSaidOnceAndTheFindingsStillReachTheLog(Path jdk) throws Exception {
    Path full = Path.of("/dev/full");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(full), "/dev/full (Linux) plays the full disk");
    ForkedJvm.Result bare = new ForkedJvm.Launch(jdk).withoutAgent().run("com.example.shop.PlainJdbcApp", "nplusone");
    ForkedJvm.Result watched = new ForkedJvm.Launch(jdk).agentArguments("report=" + full)
        .run("com.example.shop.PlainJdbcApp", "nplusone");

    assertThat(watched.exitCode()).as(watched.toString()).isZero();
    assertThat(watched.programOutput()).as("the program's own output")
        .containsAll(bare.programOutput().stream().filter(line -> line.matches("\\d+: .*")).toList());
    List<String> said = watched.stderr().lines()
        .filter(line -> line.contains("/dev/full") && !line.contains("watching JDBC")).toList();
    assertThat(said).as(watched.toString()).singleElement().asString().startsWith("[querylens] ")
        .contains("No space left on device");
    assertThat(Path.of("/dev/full.shapes.jsonl")).as("nothing written beside a device").doesNotExist();
    assertThat(watched.stdout()).as("the finding still reaches the application's log")
        .contains("WARN querylens.n-plus-one - N+1: 40 executions of [select p.id, p.bio from profiles p");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("jdksAndDatabases")
  void sixtyFourThreadsThroughOnePoolAreCountedExactly(Path jdk, String database) throws Exception {
    String table = "load_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 100_000;
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk)
        .agentArguments("summary=always,detectors.disabled=repeated-query;n-plus-one")
        .jvm("-Dscenario.db=" + database).run("com.example.pools.LoadApp", "64", "500", table);

    assertThat(run.exitCode()).as(run.toString()).isZero();
    long issued = number(Pattern.compile("statements issued: (\\d+)").matcher(run.stdout()), run);
    Matcher summary = SUMMARY.matcher(run.stderr());
    long counted = number(summary, run);
    assertThat(issued).isEqualTo(2 + 64 * 500 + 2);
    assertThat(counted).as("querylens counted each statement once: " + run).isEqualTo(issued);
    assertThat(run.stdout()).contains("updates applied: " + 64 * 50);
    assertThat(run.stderr()).doesNotContain("internal error").doesNotContain("dropping");
    System.out.println("[figures] 64 threads through one pool under the agent on " + Databases.label(database)
        + ": " + issued + " statements issued, " + counted + " counted");
  }

  private static List<String> steps(ForkedJvm.Result run) {
    return run.stdout().lines().filter(line -> line.startsWith("step ")).map(line -> line.replaceAll("_\\d+_\\d+", ""))
        .toList();
  }

  private static long number(Matcher matcher, ForkedJvm.Result run) {
    assertThat(matcher.find()).as(run.toString()).isTrue();
    return Long.parseLong(matcher.group(1).replace(",", ""));
  }
}
