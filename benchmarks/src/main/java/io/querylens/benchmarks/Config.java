package io.querylens.benchmarks;

import java.util.List;

/**
 * What watches the JDBC calls in one benchmark run. Agents are attached to the forked JVM by {@link OverheadReport};
 * wrappers are applied by {@link Databases} from {@code -Dbench.config}.
 */
enum Config {
  /** Nothing: the driver alone. */
  RAW("raw driver"),
  /** querylens agent, default settings, every detector on. */
  QUERYLENS("querylens"),
  /** querylens agent with every detector off: instrumentation and recording only. */
  QUERYLENS_RECORDING_ONLY("querylens, detectors off"),
  /** p6spy logging through SLF4J to a logger that is off: its wrapping and formatting, nothing printed. */
  P6SPY_QUIET("p6spy, quiet"),
  /** p6spy with its default file logging (spy.log). */
  P6SPY_FILE("p6spy, file log"),
  /** datasource-proxy counting queries and logging slow ones (100 ms) through SLF4J. */
  DSPROXY_SLOW("datasource-proxy, counts + slow log"),
  /** datasource-proxy counting queries only. */
  DSPROXY_COUNTS("datasource-proxy, counts"),
  /** A bare Byte Buddy agent: nanoTime around execute*, nothing else. */
  FLOOR("bare Byte Buddy advice");

  static final String PROPERTY = "bench.config";

  private final String label;

  Config(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }

  /** The configuration of this JVM. */
  static Config current() {
    return valueOf(System.getProperty(PROPERTY, RAW.name()));
  }

  /** Every detector querylens has: the "detectors off" configuration switches all of them off. */
  static final List<String> DETECTORS = List.of("n-plus-one", "slow-query", "unbatched-writes", "repeated-query",
      "select-star", "offset-pagination", "unbounded-result-set", "sql-lint", "connection-leak", "chatty-request",
      "slo-budget", "pool-exhaustion", "missing-index");

  static List<Config> all() {
    return List.of(values());
  }
}
