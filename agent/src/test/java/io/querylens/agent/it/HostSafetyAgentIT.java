package io.querylens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the agent cannot do to its host: open a port (the MXBean is registered on the platform MBean server, which
 * listens on nothing unless the application asks for remote JMX), write anywhere but the paths it was given (its one
 * temporary file, the bootstrap bridge jar, is removed when the JVM exits), or load a class a setting names.
 */
class HostSafetyAgentIT {

  private static final String SOCKETS = "com.example.shop.SocketsView";

  static Stream<Arguments> jdks() {
    return ForkedJvm.jdks().stream().map(jdk -> Arguments.of(Named.of(jdk.getFileName().toString(), jdk)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void opensNoPortWritesOnlyWhereToldAndLoadsNoClassASettingNames(Path jdk) throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "reads sockets from /proc (Linux)");
    Path run = Files.createTempDirectory("querylens-host-");
    Path work = Files.createDirectories(run.resolve("work"));
    Path temp = Files.createDirectories(run.resolve("tmp"));
    Path out = run.resolve("out");

    ForkedJvm.Result watched = new ForkedJvm.Launch(jdk).workingDirectory(work)
        .agentArguments("html=" + out.resolve("report.html") + ",sink=com.example.shop.Untrusted,"
            + "detectors.disabled=com.example.shop.Untrusted")
        .jvm("-Djava.io.tmpdir=" + temp, "-Dquerylens.listener=com.example.shop.Untrusted")
        .run(SOCKETS, "wait-for-mbean");
    ForkedJvm.Result bare = new ForkedJvm.Launch(jdk).withoutAgent().run(SOCKETS);

    assertThat(watched.exitCode()).as(watched.toString()).isZero();
    assertThat(watched.stdout()).as(watched.toString()).contains("querylens MXBean registered: true")
        .contains("listening sockets: 0");
    assertThat(bare.stdout()).as(bare.toString()).contains("listening sockets: 0");
    assertThat(watched.reportLines()).as("it did watch: " + watched).isNotEmpty();

    assertThat(watched.stdout() + watched.stderr()).as("no setting loads a class")
        .doesNotContain("UNTRUSTED CLASS INITIALISED")
        .contains("ignoring unknown setting 'sink'").contains("ignoring unknown setting 'listener'");
    assertThat(list(temp)).as("its temporary bridge jar is gone with the JVM").isEmpty();
    assertThat(list(work)).as("in the working directory: the findings report it was given, and the harness' files")
        .containsExactlyInAnyOrder("findings.jsonl", "findings.shapes.jsonl", "stdout.txt", "stderr.txt");
    assertThat(list(out)).containsExactly("report.html");
  }

  private static List<String> list(Path directory) throws Exception {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    }
  }
}
