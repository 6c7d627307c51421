package io.querylens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs a scenario program in a fresh JVM, the way users run their services: {@code java -javaagent:querylens-agent.jar
 * -cp <the application's classpath> Main}. The classpath holds the scenario classes and their libraries, never
 * querylens.
 */
final class ForkedJvm {

  private static final long TIMEOUT_SECONDS = 180;

  private ForkedJvm() {}

  /** The JDKs to run on (querylens.it.jdks), those that exist. */
  static List<Path> jdks() {
    String configured = System.getProperty("querylens.it.jdks", System.getProperty("java.home"));
    List<Path> found = new ArrayList<>();
    for (String home : configured.split(";")) {
      Path path = Path.of(home.trim());
      if (!home.isBlank() && Files.isExecutable(path.resolve("bin/java")) && !found.contains(path)) {
        found.add(path);
      } else if (!home.isBlank()) {
        System.err.println("querylens IT: no JDK at " + home + ", skipping it");
      }
    }
    return found;
  }

  static Path agentJar() {
    Path jar = Path.of(System.getProperty("querylens.agent.jar", "target/querylens-agent.jar"));
    assertThat(jar).as("the agent jar (run `mvn package` first)").exists();
    return jar;
  }

  static String applicationClasspath() {
    String classpath = System.getProperty("querylens.it.classpath");
    assertThat(classpath).as("querylens.it.classpath (set by the build)").isNotBlank();
    return classpath;
  }

  /** A run: what the program printed and the report it left. */
  record Result(int exitCode, String stdout, String stderr, Path report) {

    /** Lines of stdout and stderr that come from querylens (its loggers, its stderr prefix). */
    List<String> querylensLines() {
      return (stdout + "\n" + stderr).lines()
          .filter(line -> line.contains("querylens.") || line.startsWith("[querylens]"))
          .collect(Collectors.toList());
    }

    List<String> reportLines() throws IOException {
      return Files.exists(report) ? Files.readAllLines(report, StandardCharsets.UTF_8) : List.of();
    }

    /** Stdout without log lines (and their indented continuation lines): what the program itself printed. */
    List<String> programOutput() {
      return stdout.lines().filter(line -> !line.matches("^(INFO|WARN|ERROR|DEBUG) .*") && !line.startsWith(" "))
          .collect(Collectors.toList());
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  /** Builds and runs a forked JVM. */
  static final class Launch {
    private final Path javaHome;
    private final List<String> jvmArguments = new ArrayList<>();
    private final List<String> agentsBefore = new ArrayList<>();
    private final List<String> agentsAfter = new ArrayList<>();
    private String classpath = applicationClasspath();
    private String agentArguments = "";
    private boolean withAgent = true;
    private Path workingDirectory;

    Launch(Path javaHome) {
      this.javaHome = javaHome;
    }

    Launch withoutAgent() {
      withAgent = false;
      return this;
    }

    Launch agentArguments(String arguments) {
      agentArguments = arguments;
      return this;
    }

    /** Starts a Java agent whose {@code Premain-Class} is on the application class path before querylens'. */
    Launch agentBefore(String premainClass) throws IOException {
      agentsBefore.add("-javaagent:" + otherAgentJar(premainClass));
      return this;
    }

    /** Starts a Java agent, as {@link #agentBefore}, after querylens'; it may retransform classes. */
    Launch agentAfter(String premainClass) throws IOException {
      agentsAfter.add("-javaagent:" + otherAgentJar(premainClass));
      return this;
    }

    private static Path otherAgentJar(String premainClass) throws IOException {
      Path jar = Files.createTempFile("querylens-it-agent-", ".jar");
      java.util.jar.Manifest manifest = new java.util.jar.Manifest();
      manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
      manifest.getMainAttributes().putValue("Premain-Class", premainClass);
      manifest.getMainAttributes().putValue("Can-Retransform-Classes", "true");
      try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest)) {
        // A manifest is all: the class itself is on the application class path.
      }
      return jar;
    }

    Launch jvm(String... arguments) {
      jvmArguments.addAll(Arrays.asList(arguments));
      return this;
    }

    Launch classpath(String value) {
      classpath = value;
      return this;
    }

    Launch workingDirectory(Path directory) {
      workingDirectory = directory;
      return this;
    }

    Result run(String mainClass, String... arguments) throws IOException, InterruptedException {
      Path directory = workingDirectory != null ? workingDirectory : Files.createTempDirectory("querylens-it-");
      Path report = directory.resolve("findings.jsonl");
      List<String> command = new ArrayList<>();
      command.add(javaHome.resolve("bin/java").toString());
      command.addAll(agentsBefore);
      if (withAgent) {
        String options = "report=" + report + (agentArguments.isEmpty() ? "" : "," + agentArguments);
        command.add("-javaagent:" + agentJar().toAbsolutePath() + "=" + options);
      }
      command.addAll(agentsAfter);
      command.addAll(jvmArguments);
      command.add("-cp");
      command.add(classpath);
      command.add(mainClass);
      command.addAll(Arrays.asList(arguments));
      Path out = directory.resolve("stdout.txt");
      Path err = directory.resolve("stderr.txt");
      Process process = new ProcessBuilder(command).directory(directory.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("timed out after " + TIMEOUT_SECONDS + " s: " + String.join(" ", command));
      }
      return new Result(process.exitValue(), Files.readString(out), Files.readString(err), report);
    }
  }
}
