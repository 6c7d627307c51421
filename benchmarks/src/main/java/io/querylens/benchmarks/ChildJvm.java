package io.querylens.benchmarks;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The jars the runners start JVMs with, and the command line of such a JVM: this JDK's java, with or without the
 * agent.
 */
final class ChildJvm {

  private ChildJvm() {}

  /** The benchmarks' own jar (it holds the programs the runners start). */
  static Path benchmarksJar() throws URISyntaxException {
    return Path.of(ChildJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /** {@code -Dquerylens.agent.jar}, else the agent jar the build left in {@code agent/target}. */
  static Path agentJar() throws URISyntaxException {
    return Path.of(System.getProperty("querylens.agent.jar",
        benchmarksJar().getParent().resolve("../../agent/target/querylens-agent.jar").normalize().toString()));
  }

  /**
   * {@code java}, then {@code jvmOptions}, then the agent with {@code agentOptions} unless {@code agent} is null,
   * then {@code rest} (class path and main class, or {@code -jar} and the jar, and their arguments).
   */
  static List<String> command(List<String> jvmOptions, Path agent, String agentOptions, String... rest) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    if (agent != null) {
      command.add("-javaagent:" + agent + "=" + agentOptions);
    }
    command.addAll(List.of(rest));
    return command;
  }
}
