package io.querylens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.tools.attach.VirtualMachine;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Beyond the plain start-up attach: querylens attached to a JVM already running (its {@code agentmain}), whose driver classes and connection were loaded
 * and opened before: the classes are retransformed and the N+1 the program runs afterwards on that same connection is
 * reported, on every JDK available.
 */
class RuntimeCompatibilityAgentIT {

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdks")
  void anAgentAttachedToARunningJvmSeesWhatRunsAfterwards(Path jdk) throws Exception {
    Path directory = Files.createTempDirectory("querylens-attach-");
    Path report = directory.resolve("findings.jsonl");
    Process process = new ProcessBuilder(jdk.resolve("bin/java").toString(), "-cp",
        ForkedJvm.applicationClasspath(), "com.example.shop.PlainJdbcApp", "attach-later")
        .directory(directory.toFile()).redirectErrorStream(true).start();
    List<String> output = new ArrayList<>();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null && !line.equals("ready")) {
        output.add(line);
      }
      assertThat(line).as("the program got ready: %s", output).isEqualTo("ready");

      VirtualMachine vm = VirtualMachine.attach(String.valueOf(process.pid()));
      try {
        vm.loadAgent(ForkedJvm.agentJar().toAbsolutePath().toString(), "report=" + report);
      } finally {
        vm.detach();
      }
      try (OutputStream in = process.getOutputStream()) {
        in.write("go\n".getBytes(StandardCharsets.UTF_8));
      }
      while ((line = out.readLine()) != null) {
        output.add(line);
      }
      assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    } finally {
      process.destroyForcibly();
    }

    String all = String.join("\n", output);
    assertThat(process.exitValue()).as(all).isZero();
    assertThat(all).contains("40 lines after the attach").doesNotContain("Exception");
    List<String> findings = Files.exists(report) ? Files.readAllLines(report) : List.of();
    assertThat(findings).as(all).singleElement().asString()
        .contains("\"type\":\"N_PLUS_ONE\"")
        .contains("\"sql\":\"select p.id, p.bio from profiles p where p.user_id = ?\"")
        .contains("\"callSite\":\"com.example.shop.FeedService.renderWithNPlusOne(FeedService.java:")
        .contains("\"count\":40");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdks")
  void fiveHundredVirtualThreadsEachWithItsNPlusOneAreCountedAndReportedOnce(Path jdk) throws Exception {
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk).run("com.example.shop.PlainJdbcApp", "virtual-threads");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    org.junit.jupiter.api.Assumptions.assumeFalse(run.stdout().contains("no virtual threads"),
        "virtual threads need JDK 21+");
    assertThat(run.stdout()).as(run.toString()).contains("20000 lines from 500 virtual threads");
    assertThat(run.reportLines()).as(run.toString()).singleElement().asString()
        .contains("\"type\":\"N_PLUS_ONE\"")
        .contains("\"callSite\":\"com.example.shop.FeedService.renderWithNPlusOne(FeedService.java:");
    java.util.regex.Matcher summary = java.util.regex.Pattern.compile("querylens summary: ([0-9,]+) statements")
        .matcher(run.stderr());
    assertThat(summary.find()).as(run.toString()).isTrue();
    long statements = Long.parseLong(summary.group(1).replace(",", ""));
    assertThat(statements).as("500 x (1 + 40) feed statements, plus 6 seeding (2 drops, 2 creates, 2 batches)")
        .isEqualTo(20_506L);
    assertThat(run.stderr()).doesNotContain("Exception");
    System.out.println("[figures] virtual threads on " + jdk.getFileName() + ": 500 threads, " + statements
        + " statements counted, 1 N+1 finding");
  }
}
