package io.querylens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A driver written to misbehave ({@code com.example.odd}: its own {@code Driver}, {@code Connection},
 * {@code PreparedStatement} and {@code ResultSet} classes, which the agent instruments as it does any driver's), used
 * by a plain JDBC program under {@code -javaagent}: each step's result or error is what the program sees without the
 * agent, querylens counts every statement that reached the driver once, still reports the N+1 in the odd driver's
 * loop at the program's line (not the driver's own frame), and has no error of its own. The library-mode twin is
 * core's {@code OddDriverTest}.
 */
class OddDriverAgentIT {

  private static final String APP = "com.example.odd.OddDriverApp";
  private static final int LOOKUPS = 20;

  static Stream<Arguments> jdks() {
    return ForkedJvm.jdks().stream().map(jdk -> Arguments.of(Named.of(jdk.getFileName().toString(), jdk)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void theProgramSeesWhatTheOddDriverDoesAndQuerylensCarriesOn(Path jdk) throws Exception {
    ForkedJvm.Result bare = new ForkedJvm.Launch(jdk).withoutAgent().run(APP, String.valueOf(LOOKUPS));
    // A 1 ms threshold makes the odd driver's 2 ms queries slow: querylens' worker then asks the driver for plans.
    ForkedJvm.Result watched = new ForkedJvm.Launch(jdk).agentArguments("summary=always,slow.threshold.ms=1")
        .run(APP, String.valueOf(LOOKUPS));

    List<String> steps = steps(bare);
    assertThat(bare.exitCode()).as(bare.toString()).isZero();
    assertThat(steps).as(bare.toString()).hasSize(14).contains("step ok null result set",
        "step error java.lang.UnsupportedOperationException executeUpdate is not implemented",
        "step error java.sql.SQLFeatureNotSupportedException 0A000", "step ok null counts");
    assertThat(steps(watched)).as(watched.toString()).isEqualTo(steps);
    assertThat(watched.exitCode()).as(watched.toString()).isZero();
    assertThat(watched.stderr()).as(watched.toString()).doesNotContain("internal error").doesNotContain("Exception");

    long issued = number(Pattern.compile("statements issued: (\\d+)").matcher(watched.stdout()), watched);
    long counted = number(Pattern.compile("querylens summary: ([\\d,]+) statements").matcher(watched.stderr()),
        watched);
    assertThat(counted).as("each statement that reached the driver counted once: " + watched).isEqualTo(issued);
    assertThat(watched.reportLines()).as(watched.toString()).anySatisfy(line -> assertThat(line)
        .contains("\"type\":\"N_PLUS_ONE\"")
        .contains("\"sql\":\"select name from users where id = ?\"")
        .contains("\"callSite\":\"com.example.odd.OddDriverApp.")
        .contains("\"count\":" + LOOKUPS));
    System.out.println("[figures] odd driver under the agent on " + jdk.getFileName() + ": " + steps.size()
        + " steps identical, " + steps.stream().filter(step -> step.startsWith("step error ")).count() + " errors, "
        + counted + " of " + issued + " statements counted, " + watched.reportLines().size() + " findings, "
        + "0 querylens errors");
  }

  private static List<String> steps(ForkedJvm.Result run) {
    return run.stdout().lines().filter(line -> line.startsWith("step ")).toList();
  }

  private static long number(Matcher matcher, ForkedJvm.Result run) {
    assertThat(matcher.find()).as(run.toString()).isTrue();
    return Long.parseLong(matcher.group(1).replace(",", ""));
  }
}
