package io.querylens.benchmarks;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The PostgreSQL load test, with and without the agent, in alternating rounds, each a fresh JVM; prints throughput
 * and p50/p99/p99.9 latency and their ratios.
 *
 * <pre>
 * java -cp benchmarks/target/querylens-benchmarks.jar io.querylens.benchmarks.LoadTestRunner \
 *     'jdbc:postgresql://localhost:5432/querylens?user=querylens&amp;password=querylens' 8 30 3
 * </pre>
 * Arguments: JDBC URL, client threads, seconds per run, rounds.
 */
public final class LoadTestRunner {

  private LoadTestRunner() {}

  public static void main(String[] args) throws IOException, InterruptedException, URISyntaxException {
    String url = args[0];
    String threads = args.length > 1 ? args[1] : "8";
    String seconds = args.length > 2 ? args[2] : "30";
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    Path jar = Path.of(LoadTestRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path agent = Path.of(System.getProperty("querylens.agent.jar",
        jar.getParent().resolve("../../agent/target/querylens-agent.jar").normalize().toString()));
    List<double[]> without = new ArrayList<>();
    List<double[]> with = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      without.add(run(jar, null, url, threads, seconds));
      with.add(run(jar, agent, url, threads, seconds));
      System.out.printf(Locale.ROOT, "round %d: without %s, with %s%n", round, format(without.get(round - 1)),
          format(with.get(round - 1)));
    }
    double[] a = mean(without);
    double[] b = mean(with);
    System.out.printf(Locale.ROOT, "%n| | ops/s | p50 µs | p99 µs | p99.9 µs |%n|---|---:|---:|---:|---:|%n");
    System.out.printf(Locale.ROOT, "| without agent | %,.0f | %.1f | %.1f | %.1f |%n", a[0], a[1], a[2], a[3]);
    System.out.printf(Locale.ROOT, "| with querylens | %,.0f | %.1f | %.1f | %.1f |%n", b[0], b[1], b[2], b[3]);
    System.out.printf(Locale.ROOT, "| ratio | %.3f | %.3f | %.3f | %.3f |%n", b[0] / a[0], b[1] / a[1], b[2] / a[2],
        b[3] / a[3]);
  }

  private static double[] run(Path jar, Path agent, String url, String threads, String seconds)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xms1g", "-Xmx1g"));
    if (agent != null) {
      command.add("-javaagent:" + agent + "=summary=never");
    }
    command.addAll(List.of("-cp", jar.toString(), LoadTest.class.getName(), url, threads, seconds));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    process.waitFor();
    String result = output.lines().filter(line -> line.startsWith("RESULT ")).findFirst()
        .orElseThrow(() -> new IllegalStateException("no result from the load test:\n" + output));
    String[] parts = result.split(" ");
    return new double[] {Double.parseDouble(parts[1]), Double.parseDouble(parts[2]), Double.parseDouble(parts[3]),
        Double.parseDouble(parts[4])};
  }

  private static double[] mean(List<double[]> runs) {
    double[] sum = new double[4];
    for (double[] run : runs) {
      for (int i = 0; i < 4; i++) {
        sum[i] += run[i] / runs.size();
      }
    }
    return sum;
  }

  private static String format(double[] run) {
    return String.format(Locale.ROOT, "%,.0f ops/s, p50 %.1f µs, p99 %.1f µs, p99.9 %.1f µs", run[0], run[1], run[2],
        run[3]);
  }
}
