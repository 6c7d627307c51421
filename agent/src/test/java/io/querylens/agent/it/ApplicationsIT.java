package io.querylens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Applications of other shapes: no logging library, a package that looks like a framework's. */
class ApplicationsIT {

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdks")
  void findsApplicationFramesInAFrameworkLookingPackageAndLogsToStderrWithoutSlf4j(Path jdk) throws Exception {
    String withoutLogging = Arrays.stream(ForkedJvm.applicationClasspath().split(File.pathSeparator))
        .filter(entry -> !entry.contains("slf4j") && !entry.contains("logback"))
        .collect(Collectors.joining(File.pathSeparator));

    ForkedJvm.Result run = new ForkedJvm.Launch(jdk).classpath(withoutLogging)
        .run("org.springframework.samples.petclinic.OwnerReport");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    List<String> findings = run.reportLines();
    assertThat(findings).as(run.toString()).hasSize(1);
    assertThat(findings.get(0))
        .contains("\"callSite\":\"org.springframework.samples.petclinic.OwnerReport.print(OwnerReport.java:")
        .contains("\"count\":10");
    assertThat(run.stderr()).as(run.toString()).contains("[querylens] WARN querylens.n-plus-one - N+1: 10 executions");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdks")
  void instrumentsADriverInAnIsolatedChildFirstClassLoader(Path jdk) throws Exception {
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk).run("com.example.shop.isolated.ChildFirstLauncher");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout()).contains("tag-8");
    List<String> findings = run.reportLines();
    assertThat(findings).as(run.toString()).hasSize(1);
    assertThat(findings.get(0))
        .contains("\"sql\":\"select label from tags where id = ?\"")
        .contains("\"callSite\":\"com.example.shop.isolated.IsolatedJob.label(IsolatedJob.java:")
        .contains("\"count\":8");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdks")
  void countsAnExplicitScopeFromThePublicApiAsOneUnitOfWork(Path jdk) throws Exception {
    ForkedJvm.Result run = runWithCore(jdk, "com.example.shop.ImportJob");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    List<String> findings = run.reportLines();
    assertThat(findings).as(run.toString()).hasSize(1);
    assertThat(findings.get(0))
        .contains("\"callSite\":\"com.example.shop.ImportJob.importOne(ImportJob.java:")
        .contains("\"count\":12")
        .contains("\"unit\":\"scope nightly-import\"");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdks")
  void capturesFromThePublicApiReachTheAgentAndAssertInTheApplication(Path jdk) throws Exception {
    ForkedJvm.Result run = runWithCore(jdk, "com.example.shop.CaptureCheck");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout()).as(run.toString())
        .contains("CAUGHT Expected no N+1, found 1:|  12 x [select name from users where id = ?] at "
            + "com.example.shop.CaptureCheck.name(CaptureCheck.java:")
        .contains("Statements in loadsNames (12):|  12 x select name from users where id = ?")
        .contains("ONE-STATEMENT-OK")
        .contains("THREADS-OK pool-")
        .contains("CONNECTIONS 1/1 0")
        .contains("LEAK-CAUGHT Expected no CONNECTION_LEAK findings, found 1:|  Connection leak: connection from "
            + "DriverManager (")
        .contains("taken at com.example.shop.CaptureCheck.main(CaptureCheck.java:")
        .contains("WRAP-UNDER-AGENT-OK true")
        .doesNotContain("FAILED");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdks")
  void aCaptureOpenedFirstThingInMainWaitsForQueryLensStartingBesideIt(Path jdk) throws Exception {
    ForkedJvm.Result run = runWithCore(jdk, "com.example.shop.EarlyCaptureCheck");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout()).as(run.toString()).contains("EARLY-CAPTURE-OK 3");
    assertThat(run.querylensLines()).as(run.toString()).noneMatch(line -> line.contains("rror"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdks")
  void instrumentsADriverThatAnotherAgentLoadedBeforeQueryLensStarted(Path jdk) throws Exception {
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk).agentBefore("com.example.shop.EarlyDriverAgent")
        .run("com.example.shop.PlainJdbcApp", "nplusone");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.reportLines()).as(run.toString()).hasSize(1);
    assertThat(run.reportLines().get(0)).contains("\"type\":\"N_PLUS_ONE\"");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdks")
  void instrumentsTheDriverWhenAnotherAgentRetransformsClassLoaderAfterQueryLensStarted(Path jdk) throws Exception {
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk).agentAfter("com.example.shop.ClassLoaderRetransformingAgent")
        .jvm("-Xlog:redefine+class+load=info").run("com.example.shop.PlainJdbcApp", "nplusone");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    // querylens' hook went into ClassLoader (the first redefinition), then the other agent retransformed it.
    assertThat(run.stdout()).as(run.toString()).contains("redefined name=java.lang.ClassLoader, count=1")
        .contains("redefined name=java.lang.ClassLoader, count=2").contains("RETRANSFORMED java.lang.ClassLoader");
    assertThat(run.reportLines()).as(run.toString()).singleElement().asString().contains("\"type\":\"N_PLUS_ONE\"");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdks")
  void saysWhatIsWrongWithBadSettingsInOneLineEachAndRunsWithDefaults(Path jdk) throws Exception {
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk).agentArguments("slow.threshold.ms=soon,nplusone.treshold=3")
        .run("com.example.shop.PlainJdbcApp", "nplusone");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stderr())
        .contains("[querylens] ignoring slow.threshold.ms='soon' from the agent arguments: expected a whole number of "
            + "milliseconds >= 1; using the default '100'")
        .contains("[querylens] ignoring unknown setting 'nplusone.treshold' from the agent arguments; known settings: ");
    assertThat(run.reportLines()).as(run.toString()).hasSize(1);
    assertThat(run.reportLines().get(0)).contains("\"threshold\":5");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdks")
  void readsSettingsFromSystemPropertiesAndTheWorkingDirectoryFile(Path jdk) throws Exception {
    java.nio.file.Path directory = java.nio.file.Files.createTempDirectory("querylens-config-");
    java.nio.file.Files.writeString(directory.resolve("querylens.properties"), "nplusone.threshold=50\n");

    ForkedJvm.Result fromFile = new ForkedJvm.Launch(jdk).workingDirectory(directory)
        .run("com.example.shop.PlainJdbcApp", "nplusone");
    assertThat(fromFile.reportLines()).as("40 executions are below the file's threshold of 50").isEmpty();

    ForkedJvm.Result propertyWins = new ForkedJvm.Launch(jdk).workingDirectory(directory)
        .jvm("-Dquerylens.nplusone.threshold=40").run("com.example.shop.PlainJdbcApp", "nplusone");
    assertThat(propertyWins.reportLines()).as(propertyWins.toString()).hasSize(1);
    assertThat(propertyWins.reportLines().get(0)).contains("\"threshold\":40");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdks")
  void changesNothingTheApplicationCanSee(Path jdk) throws Exception {
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk).run("com.example.shop.HostView");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout()).as(run.toString())
        .contains("jdk.internal.misc exported to the application: false")
        .contains("io.querylens.QueryLens visible: false")
        .contains("io.querylens.bootstrap.Hooks visible: false");
    assertThat(run.stderr().lines().filter(line -> !line.startsWith("[querylens] querylens ")))
        .as("nothing but the start line on stderr").isEmpty();
  }

  /** Runs {@code mainClass} under the agent with the application's own querylens-core on its class path. */
  private static ForkedJvm.Result runWithCore(Path jdk, String mainClass) throws Exception {
    String withCore = ForkedJvm.applicationClasspath() + File.pathSeparator + System.getProperty("querylens.core.jar");
    return new ForkedJvm.Launch(jdk).classpath(withCore).run(mainClass);
  }
}
