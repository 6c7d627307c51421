package io.querylens.benchmarks;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JVM start-up with and without the agent, on the example Spring Boot service: the JVM uptime at which Spring Boot
 * reports the application started ({@code process running for N}), in alternating runs, medians compared.
 *
 * <pre>java -cp benchmarks/target/querylens-benchmarks.jar io.querylens.benchmarks.StartupTimeRunner 7</pre>
 */
public final class StartupTimeRunner {

  private static final Pattern STARTED = Pattern.compile("process running for ([0-9.]+)\\)");

  private StartupTimeRunner() {}

  public static void main(String[] args) throws IOException, InterruptedException, URISyntaxException {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    Path here = Path.of(StartupTimeRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .getParent();
    Path agent = here.resolve("../../agent/target/querylens-agent.jar").normalize();
    Path example = here.resolve("../../examples/target/querylens-example.jar").normalize();
    List<Double> without = new ArrayList<>();
    List<Double> with = new ArrayList<>();
    for (int run = 0; run < runs; run++) {
      without.add(startup(example, null));
      with.add(startup(example, agent));
      System.out.printf(Locale.ROOT, "run %d: without %.3f s, with %.3f s%n", run + 1, without.get(run),
          with.get(run));
    }
    double a = median(without);
    double b = median(with);
    System.out.printf(Locale.ROOT, "median start-up: without %.0f ms, with the agent %.0f ms, %+.0f ms%n",
        a * 1000, b * 1000, (b - a) * 1000);
  }

  private static double startup(Path example, Path agent) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    if (agent != null) {
      command.add("-javaagent:" + agent);
    }
    command.addAll(List.of("-jar", example.toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    process.waitFor();
    Matcher started = STARTED.matcher(output);
    if (!started.find()) {
      throw new IllegalStateException("the example did not report its start:\n" + output);
    }
    return Double.parseDouble(started.group(1));
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
