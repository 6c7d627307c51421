package io.querylens.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JVM start-up with and without the agent (with {@code summary=never}: nothing is written at exit), in alternating
 * runs, medians compared; also the median of the differences
 * within each round, which this noisy kind of machine needs (its speed drifts from one minute to the next).
 *
 * <ul>
 *   <li>by default, the example Spring Boot service: the JVM uptime at which Spring Boot reports the application
 *       started, and the process's CPU time then (the run is stopped there);
 *   <li>with {@code small}, {@link SmallJdbcProgram}: the uptime at which its {@code main} began, at which its first
 *       two queries were done, and the CPU time then.
 * </ul>
 *
 * <p>Agent jars named after {@code small} or {@code example} (an earlier build, say) run in the same rounds;
 * {@code -Dstartup.agent.options=key=value,...} adds agent options to every agent run (say, an
 * {@code instrumentation.cache}).
 *
 * <pre>java -cp benchmarks/target/querylens-benchmarks.jar io.querylens.benchmarks.StartupTimeRunner 10 [small|example [agent.jar...]]</pre>
 */
public final class StartupTimeRunner {

  private static final Pattern STARTED = Pattern.compile("process running for ([0-9.]+)\\)");
  private static final Pattern SMALL = Pattern.compile("RESULT main=(\\d+) done=(\\d+) cpu=(\\d+)");

  private StartupTimeRunner() {}

  public static void main(String[] args) throws IOException, InterruptedException, URISyntaxException {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    boolean smallProgram = args.length > 1 && args[1].equals("small");
    Path here = ChildJvm.benchmarksJar();
    Path example = here.getParent().resolve("../../examples/target/querylens-example.jar").normalize();
    // Without the agent, with this build's agent, and with each agent jar named after the program (an earlier build).
    Map<String, Path> agents = new LinkedHashMap<>();
    agents.put("without the agent", null);
    agents.put("with the agent", ChildJvm.agentJar());
    for (int i = 2; i < args.length; i++) {
      agents.put("with " + args[i], Path.of(args[i]));
    }
    Map<String, Map<String, List<Double>>> figures = new LinkedHashMap<>();
    for (int round = 1; round <= rounds; round++) {
      StringBuilder line = new StringBuilder("round " + round + ":");
      // Each round starts with another configuration, so that none always runs first (or right after another).
      List<Map.Entry<String, Path>> order = new ArrayList<>(agents.entrySet());
      java.util.Collections.rotate(order, round);
      for (Map.Entry<String, Path> agent : order) {
        Map<String, Double> run = smallProgram ? small(here, agent.getValue()) : example(example, agent.getValue());
        run.forEach((figure, value) -> figures.computeIfAbsent(figure, key -> new LinkedHashMap<>())
            .computeIfAbsent(agent.getKey(), key -> new ArrayList<>()).add(value));
        line.append(' ').append(agent.getKey()).append(' ').append(run).append(';');
      }
      System.out.println(line);
    }
    for (Map.Entry<String, Map<String, List<Double>>> figure : figures.entrySet()) {
      List<Double> without = figure.getValue().get("without the agent");
      System.out.printf(Locale.ROOT, "%s, median of %d: without the agent %.0f ms%n", figure.getKey(), rounds,
          median(without));
      figure.getValue().forEach((agent, values) -> {
        if (values != without) {
          List<Double> differences = new ArrayList<>();
          for (int round = 0; round < rounds; round++) {
            differences.add(values.get(round) - without.get(round));
          }
          System.out.printf(Locale.ROOT, "  %s %.0f ms (%+.0f ms); median difference within a round %+.0f ms%n",
              agent, median(values), median(values) - median(without), median(differences));
        }
      });
    }
  }

  /** The example service, stopped once it has reported its start: uptime and CPU time then. */
  private static Map<String, Double> example(Path example, Path agent) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command(agent, "-jar", example.toString())).redirectErrorStream(true).start();
    try (BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
      for (String line = output.readLine(); line != null; line = output.readLine()) {
        Matcher started = STARTED.matcher(line);
        if (started.find()) {
          double cpu = process.info().totalCpuDuration().map(duration -> duration.toNanos() / 1e6).orElse(Double.NaN);
          Map<String, Double> figures = new LinkedHashMap<>();
          figures.put("started", Double.parseDouble(started.group(1)) * 1000);
          figures.put("CPU time at start", cpu);
          return figures;
        }
      }
      throw new IllegalStateException("the example did not report its start (exit " + process.waitFor() + ")");
    } finally {
      process.destroy();
      process.waitFor();
    }
  }

  /** {@link SmallJdbcProgram}, run to its end. */
  private static Map<String, Double> small(Path benchmarksJar, Path agent) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command(agent, "-cp", benchmarksJar.toString(),
        SmallJdbcProgram.class.getName())).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    process.waitFor();
    Matcher result = SMALL.matcher(output);
    if (!result.find()) {
      throw new IllegalStateException("the small program printed no result:\n" + output);
    }
    Map<String, Double> figures = new LinkedHashMap<>();
    figures.put("main began", Double.parseDouble(result.group(1)));
    figures.put("first queries done", Double.parseDouble(result.group(2)));
    figures.put("CPU time then", Double.parseDouble(result.group(3)));
    return figures;
  }

  private static List<String> command(Path agent, String... rest) {
    String more = System.getProperty("startup.agent.options", "");
    return ChildJvm.command(List.of(), agent, "summary=never" + (more.isEmpty() ? "" : "," + more), rest);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }
}
