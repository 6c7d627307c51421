package io.querylens.benchmarks;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The PostgreSQL load test, with and without the agent, in alternating rounds, each a fresh JVM; prints throughput
 * and p50/p99/p99.9 latency, the CPU time per operation of the JVM and of the whole machine (PostgreSQL's backends
 * included), and their ratios.
 *
 * <pre>
 * java -cp benchmarks/target/querylens-benchmarks.jar io.querylens.benchmarks.LoadTestRunner \
 *     'jdbc:postgresql://localhost:5432/querylens?user=querylens&amp;password=querylens' 8 30 3
 * </pre>
 * Arguments: JDBC URL, client threads, seconds per run, rounds. The agent's options come from
 * {@code -Dquerylens.agent.options} ({@code summary=never} unless given).
 */
public final class LoadTestRunner {

  /** ops/s, p50, p99 and p99.9 latency (µs), the JVM's and the whole machine's CPU time per operation (µs). */
  private static final int FIGURES = 6;

  private LoadTestRunner() {}

  public static void main(String[] args) throws IOException, InterruptedException, URISyntaxException {
    String url = args[0];
    String threads = args.length > 1 ? args[1] : "8";
    String seconds = args.length > 2 ? args[2] : "30";
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    Path jar = ChildJvm.benchmarksJar();
    Path agent = ChildJvm.agentJar();
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
    System.out.printf(Locale.ROOT, "%n| | ops/s | p50 µs | p99 µs | p99.9 µs | JVM CPU µs/op | machine CPU µs/op |%n"
        + "|---|---:|---:|---:|---:|---:|---:|%n");
    System.out.printf(Locale.ROOT, "| without agent | %,.0f | %.1f | %.1f | %.1f | %.2f | %.2f |%n", a[0], a[1], a[2],
        a[3], a[4], a[5]);
    System.out.printf(Locale.ROOT, "| with querylens | %,.0f | %.1f | %.1f | %.1f | %.2f | %.2f |%n", b[0], b[1], b[2],
        b[3], b[4], b[5]);
    System.out.printf(Locale.ROOT, "| ratio | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |%n", b[0] / a[0], b[1] / a[1],
        b[2] / a[2], b[3] / a[3], b[4] / a[4], b[5] / a[5]);
  }

  private static double[] run(Path jar, Path agent, String url, String threads, String seconds)
      throws IOException, InterruptedException {
    List<String> command = ChildJvm.command(List.of("-Xms1g", "-Xmx1g"), agent,
        System.getProperty("querylens.agent.options", "summary=never"), "-cp", jar.toString(),
        LoadTest.class.getName(), url, threads, seconds);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    process.waitFor();
    String result = output.lines().filter(line -> line.startsWith("RESULT ")).findFirst()
        .orElseThrow(() -> new IllegalStateException("no result from the load test:\n" + output));
    String[] parts = result.split(" ");
    double[] figures = new double[FIGURES];
    for (int i = 0; i < FIGURES; i++) {
      figures[i] = Double.parseDouble(parts[i + 1]);
    }
    return figures;
  }

  private static double[] mean(List<double[]> runs) {
    double[] sum = new double[FIGURES];
    for (double[] run : runs) {
      for (int i = 0; i < FIGURES; i++) {
        sum[i] += run[i] / runs.size();
      }
    }
    return sum;
  }

  private static String format(double[] run) {
    return String.format(Locale.ROOT,
        "%,.0f ops/s, p50 %.1f µs, p99 %.1f µs, p99.9 %.1f µs, CPU %.2f µs/op (machine %.2f)",
        run[0], run[1], run[2], run[3], run[4], run[5]);
  }
}
