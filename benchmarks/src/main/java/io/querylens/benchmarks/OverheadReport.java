package io.querylens.benchmarks;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link JdbcOverheadBenchmark} under every {@link Config} in one command and prints one report: ns/op, the
 * ratio to the raw driver, the time and bytes added per operation. Configurations run in interleaved rounds (every
 * configuration once, then again), each in a fresh JVM, so that drift of the machine during the run hits all alike.
 *
 * <pre>
 * java -jar benchmarks/target/querylens-benchmarks.jar quick     about 6.5 minutes on 2 CPUs: 1 round, short iterations
 * java -jar benchmarks/target/querylens-benchmarks.jar careful   about 60 minutes: 5 rounds, more iterations
 * java -jar benchmarks/target/querylens-benchmarks.jar quick RAW,QUERYLENS primaryKeyLookup
 * </pre>
 *
 * The report is also written to {@code benchmarks/target/overhead-report.md}.
 */
public final class OverheadReport {

  private OverheadReport() {}

  public static void main(String[] args) throws RunnerException, IOException, URISyntaxException {
    boolean careful = args.length > 0 && args[0].equals("careful");
    List<Config> configs = args.length > 1 && !args[1].equals("all")
        ? Arrays.stream(args[1].split(",")).map(Config::valueOf).toList() : Config.all();
    String benchmarks = args.length > 2 ? args[2] : "";
    Path here = ChildJvm.benchmarksJar().getParent();
    Path agent = ChildJvm.agentJar();
    Path floor = here.resolve("querylens-benchmarks-floor-agent.jar");
    Path workDirectory = Files.createTempDirectory("querylens-bench-");

    int rounds = careful ? 5 : 1;
    Map<String, Map<Config, List<Measurement>>> results = new LinkedHashMap<>();
    for (int round = 1; round <= rounds; round++) {
      for (Config config : configs) {
        System.out.printf("%n=== round %d/%d: %s%n", round, rounds, config.label());
        ChainedOptionsBuilder options = new OptionsBuilder()
            // Grouped and anchored: "a|b" alone would also take every other class's b (HotPathBenchmark's too).
            .include(JdbcOverheadBenchmark.class.getName() + (benchmarks.isEmpty() ? "" : "\\.(" + benchmarks + ")$"))
            .forks(1)
            .warmupIterations(careful ? 4 : 2)
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(careful ? 8 : 3)
            .measurementTime(TimeValue.seconds(1))
            .addProfiler(GCProfiler.class)
            .jvmArgsAppend(jvmArguments(config, agent, floor, workDirectory).toArray(new String[0]));
        for (RunResult run : new Runner(options.build()).run()) {
          String benchmark = run.getParams().getBenchmark();
          benchmark = benchmark.substring(benchmark.lastIndexOf('.') + 1);
          Result<?> allocation = run.getSecondaryResults().get("gc.alloc.rate.norm");
          results.computeIfAbsent(benchmark, key -> new LinkedHashMap<>())
              .computeIfAbsent(config, key -> new ArrayList<>())
              .add(new Measurement(run.getPrimaryResult().getScore(), run.getPrimaryResult().getScoreError(),
                  allocation == null ? Double.NaN : allocation.getScore()));
        }
      }
    }
    String report = report(results, careful, rounds);
    System.out.println();
    System.out.println(report);
    Path file = here.resolve("overhead-report.md");
    Files.writeString(file, report);
    System.out.println("written to " + file);
  }

  static List<String> jvmArguments(Config config, Path agent, Path floor, Path workDirectory) {
    List<String> arguments = new ArrayList<>(List.of("-Xms2g", "-Xmx2g", "-XX:+UseParallelGC",
        "-D" + Config.PROPERTY + "=" + config.name()));
    switch (config) {
      case QUERYLENS -> arguments.add("-javaagent:" + agent + "=summary=never");
      case QUERYLENS_RECORDING_ONLY ->
          arguments.add("-javaagent:" + agent + "=summary=never,detectors.disabled="
              + String.join(";", Config.DETECTORS));
      case P6SPY_QUIET -> arguments.add("-Dp6spy.config.appender=com.p6spy.engine.spy.appender.Slf4JLogger");
      case P6SPY_FILE -> arguments.add("-Dp6spy.config.logfile=" + workDirectory.resolve("spy.log"));
      case FLOOR -> arguments.add("-javaagent:" + floor);
      default -> { }
    }
    return arguments;
  }

  /** One benchmark result of one JVM. */
  record Measurement(double nanos, double error, double bytes) {}

  static String report(Map<String, Map<Config, List<Measurement>>> results, boolean careful, int rounds) {
    StringBuilder text = new StringBuilder();
    text.append("## JDBC overhead, ").append(careful ? "careful" : "quick").append(" run, ")
        .append(LocalDate.now()).append("\n\n")
        .append("JDK ").append(System.getProperty("java.version")).append(", ")
        .append(Runtime.getRuntime().availableProcessors()).append(" CPUs, ")
        .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch"))
        .append("; H2 in memory, 10,000-row table; ").append(rounds).append(rounds == 1 ? " round" : " interleaved rounds")
        .append(", one JVM per configuration and round. ± is the spread: the JMH error of one round, or half the range "
            + "of the rounds' means.\n");
    for (Map.Entry<String, Map<Config, List<Measurement>>> benchmark : results.entrySet()) {
      Map<Config, List<Measurement>> byConfig = benchmark.getValue();
      Summary raw = byConfig.containsKey(Config.RAW) ? Summary.of(byConfig.get(Config.RAW)) : null;
      text.append("\n### ").append(benchmark.getKey()).append("\n\n")
          .append("| configuration | ns/op | ± | × raw | added ns/op | B/op | added B/op |\n")
          .append("|---|---:|---:|---:|---:|---:|---:|\n");
      for (Map.Entry<Config, List<Measurement>> entry : byConfig.entrySet()) {
        Summary summary = Summary.of(entry.getValue());
        text.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %s | %s | %,.0f | %s |%n",
            entry.getKey().label(), summary.nanos, summary.spread,
            raw == null ? "-" : String.format(Locale.ROOT, "%.2f", summary.nanos / raw.nanos),
            raw == null || entry.getKey() == Config.RAW ? "-"
                : String.format(Locale.ROOT, "%+,.0f", summary.nanos - raw.nanos),
            summary.bytes,
            raw == null || entry.getKey() == Config.RAW ? "-"
                : String.format(Locale.ROOT, "%+,.0f", summary.bytes - raw.bytes)));
      }
      if (raw != null && byConfig.containsKey(Config.QUERYLENS) && byConfig.containsKey(Config.P6SPY_QUIET)) {
        double ours = Summary.of(byConfig.get(Config.QUERYLENS)).nanos - raw.nanos;
        double p6spy = Summary.of(byConfig.get(Config.P6SPY_QUIET)).nanos - raw.nanos;
        text.append(String.format(Locale.ROOT, "%nquerylens adds %.0f%% of what quiet p6spy adds.%n",
            100 * ours / p6spy));
      }
    }
    return text.toString();
  }

  /** Mean of rounds and their spread. */
  private record Summary(double nanos, double spread, double bytes) {
    static Summary of(List<Measurement> rounds) {
      double nanos = rounds.stream().mapToDouble(Measurement::nanos).average().orElse(Double.NaN);
      double bytes = rounds.stream().mapToDouble(Measurement::bytes).average().orElse(Double.NaN);
      double spread = rounds.size() == 1 ? rounds.get(0).error()
          : (rounds.stream().mapToDouble(Measurement::nanos).max().orElse(0)
              - rounds.stream().mapToDouble(Measurement::nanos).min().orElse(0)) / 2;
      return new Summary(nanos, spread, bytes);
    }
  }
}
