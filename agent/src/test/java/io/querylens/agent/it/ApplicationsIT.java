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
}
