package io.querylens.config;

import io.querylens.finding.Severity;
import java.util.List;

/** Every querylens setting: the single source the configuration reference is generated from. */
public final class Settings {

  /** When the shutdown summary is written. */
  public enum SummaryMode {
    /** Only when there were findings. */
    AUTO,
    ALWAYS,
    NEVER
  }

  public static final Setting<Boolean> ENABLED = Setting.flag("enabled", true,
      "Master switch: false installs no instrumentation and records nothing.", "");

  public static final Setting<String> CONFIG = Setting.text("config", null, "a file path",
      "A properties file to read settings from, instead of querylens.properties in the working directory.", "");

  public static final Setting<String> REPORT = Setting.text("report", null, "a file path",
      "Appends every finding to this file as JSON Lines (one object a line, flushed as found). "
          + "The file is created readable by its owner only.",
      "One small file write per distinct problem.");

  public static final Setting<Long> SLO_QUERY_P95_MS = Setting.millis("slo.query.p95.ms", 0, 0,
      "An SLO budget for every statement shape: when more than 5 % of a shape's executions in the last slo.window.s "
          + "take longer than this (its p95 is over the budget), one finding; another when it is kept again. 0: none "
          + "(the performance playbook's budget is 50).",
      "One comparison per statement; an increment when over the budget.");

  public static final Setting<Long> SLO_REQUEST_DB_P95_MS = Setting.millis("slo.request.db.p95.ms", 0, 0,
      "An SLO budget for every endpoint's database time per request, judged like slo.query.p95.ms. 0: none.",
      "One comparison per request.");

  public static final Setting<Integer> SLO_WINDOW_S = Setting.integer("slo.window.s", 60, 6, 86_400,
      "The sliding window SLO budgets are judged over, in seconds (read every sixth of it).", "");

  public static final Setting<Integer> SLO_MIN_SAMPLES = Setting.integer("slo.min.samples", 20, 1, 1_000_000,
      "Executions (or requests) a window needs before its p95 is judged against a budget, either way.", "");

  public static final Setting<String> HTML = Setting.text("html", null, "a file path",
      "Writes one self-contained HTML report of the run to this file when querylens shuts down (findings most costly "
          + "first, every statement shape in a sortable table, endpoints, pools, settings); also on demand through "
          + "QueryLensRuntime.writeHtmlReport and the MXBean operation writeHtmlReport.",
      "One file write at shutdown.");

  public static final Setting<String> SHAPES_REPORT = Setting.text("shapes.report", null,
      "a file path, or none",
      "Writes every statement shape that ran (executions, total, mean, p50, p95, p99, max, failures, sampled rows; "
          + "the 1,000 costliest) to this file as JSON Lines when querylens shuts down: what the fleet report "
          + "ranks findings by. Default: beside the report file (findings.jsonl gives findings.shapes.jsonl); "
          + "none: not written.",
      "One file write at shutdown.");

  public static final Setting<String> ENDPOINTS_REPORT = Setting.text("endpoints.report", null,
      "a file path, or none",
      "Writes each endpoint's statements and database time per request (count, mean, p50, p95, p99, max) to this "
          + "file as JSON Lines when querylens shuts down. Default: beside the report file (findings.jsonl gives "
          + "findings.endpoints.jsonl); none: not written.",
      "One file write at shutdown.");

  public static final Setting<Long> SLOW_THRESHOLD_MS = Setting.millis("slow.threshold.ms", 100, 1,
      "A statement taking at least this long is a slow query (WARN); ten times as long is an ERROR.",
      "A stack walk for each slow execution (only those).");

  public static final Setting<Integer> NPLUSONE_THRESHOLD = Setting.integer("nplusone.threshold", 5, 2, 1_000_000,
      "Executions of one statement shape from one call site, with differing bind values, in one unit of work, that "
          + "make an N+1.",
      "A stack walk for repeated executions of a shape within a unit of work, until the N+1 is confirmed.");

  public static final Setting<Integer> BATCH_THRESHOLD = Setting.integer("batch.threshold", 10, 2, 1_000_000,
      "Executions of one INSERT/UPDATE/DELETE shape, one row at a time, from one call site in one unit of work, that "
          + "make unbatched writes.",
      "None beyond the N+1 bookkeeping: judged from the same per-unit counts when the unit ends.");

  public static final Setting<Integer> REPEAT_THRESHOLD = Setting.integer("repeat.threshold", 3, 2, 1_000_000,
      "Executions of one SELECT shape with the same bind values in one unit of work that make a repeated query.",
      "A count per distinct value set of a shape in a unit of work (up to 256 value sets).");

  public static final Setting<Integer> OFFSET_THRESHOLD = Setting.integer("offset.threshold", 1_000, 1,
      Integer.MAX_VALUE,
      "A page read with OFFSET (or LIMIT m, n) skipping at least this many rows is deep OFFSET pagination; the "
          + "offset is read from the statement or its bound parameter. Pagination without ORDER BY is reported "
          + "whatever the offset.",
      "For statements with an OFFSET only, until their shape is reported: a scan of their SQL for the offset.");

  public static final Setting<Integer> ROWS_THRESHOLD = Setting.integer("rows.threshold", 10_000, 1,
      Integer.MAX_VALUE,
      "A SELECT without any row limit that returns at least this many rows is an unbounded result set (rows read "
          + "from the driver's result set: H2 and PostgreSQL).",
      "For queries without a limit that take 50 µs or more and longer than the same shape's recent ones that "
          + "returned few rows: a few reflective calls on the driver's result set.");

  public static final Setting<Integer> LINT_LITERAL_VALUES = Setting.integer("lint.literal.values", 3, 2, 1_000,
      "Different sets of literal values one statement shape must run with before SQL lint reports it as built with "
          + "values written into the SQL instead of bind markers (a literal that never changes is not reported).",
      "For statements with literals in their SQL only, until reported: a compare-and-set into a per-shape array "
          + "of this many value hashes.");

  public static final Setting<Integer> LINT_IN_SIZES = Setting.integer("lint.in.sizes", 4, 2, 63,
      "Different IN-list sizes one prepared statement shape must run with before SQL lint reports the plan-cache "
          + "churn; lists padded to powers of two (Hibernate's in_clause_parameter_padding) are not reported.",
      "For statements with an IN list only: one bit per size in a per-shape word.");

  public static final Setting<Severity> LINT_SEVERITY = Setting.choice("lint.severity", Severity.INFO,
      Severity.class, "The severity of SQL lint findings (literals instead of bind markers, leading-wildcard LIKE, "
          + "cross joins, churning IN-list sizes).", "");

  public static final Setting<Integer> REQUEST_MAX_STATEMENTS = Setting.integer("request.max.statements", 50, 1,
      Integer.MAX_VALUE,
      "A request (or explicit scope) running more statements than this is a chatty request; repeats its N+1, "
          + "unbatched-write and repeated-query findings already report are not counted again. One finding per "
          + "endpoint.",
      "None per statement: judged from the request's counts when it ends.");

  public static final Setting<Long> REQUEST_MAX_DB_MS = Setting.millis("request.max.db.ms", 500, 1,
      "A request (or explicit scope) spending longer than this in the database is a chatty request; the time of "
          + "slow queries and of the repeats other findings report is not counted again.",
      "");

  public static final Setting<Boolean> METRICS_MICROMETER = Setting.flag("metrics.micrometer", true,
      "Registers querylens' meters (statements and their time by kind and table, findings by type, pools, "
          + "endpoints) in the application's Micrometer Metrics.globalRegistry, when the application has Micrometer.",
      "Nothing per statement: meters are computed when they are scraped (at most once a second).");

  public static final Setting<Boolean> METRICS_JMX = Setting.flag("metrics.jmx", true,
      "Registers the same figures as the MXBean querylens:type=QueryLens on the platform MBean server.",
      "Nothing per statement: computed when read.");

  public static final Setting<Boolean> TRACES_SPAN_EVENTS = Setting.flag("traces.span.events", true,
      "Adds each finding to the OpenTelemetry span current where it was found (the request's), as an event "
          + "querylens.finding with its type, severity, statement shape and call site, when the application has "
          + "OpenTelemetry (its API, or the OpenTelemetry Java agent).",
      "Nothing per statement: one span lookup per detection.");

  public static final Setting<Long> LEAK_THRESHOLD_MS = Setting.millis("leak.threshold.ms", 30_000, 1,
      "A connection held longer than this without being closed is reported as a leak (once, with where it was "
          + "taken); when it is closed at last, a follow-up says after how long. A connection still open when its "
          + "request or scope ends, or dropped without close(), is reported whatever this says.",
      "One look over the open connections every 100 ms on querylens' worker.");

  public static final Setting<Long> POOL_WAIT_THRESHOLD_MS = Setting.millis("pool.wait.threshold.ms", 100, 1,
      "A getConnection() waiting this long, or a pool with every connection in use and threads waiting for this "
          + "long, starts a pool-exhaustion episode; an acquisition timeout always does. One finding per episode.",
      "Two nanoTime calls and a stack walk to the first application frame per getConnection() (all settings).");

  public static final Setting<Integer> POOL_STATS_INTERVAL = Setting.integer("pool.stats.interval", 0, 0, 86_400,
      "Seconds between pool statistics lines in the log (logger querylens.pool-stats: connections taken, acquire "
          + "wait p50/p95/p99/max, time held, peak in use, timeouts), one line per pool that was used; 0: only in "
          + "the shutdown summary.", "One log line per used pool per interval.");

  public static final Setting<Boolean> INDEX_ADVICE = Setting.flag("index.advice", true,
      "Asks the database to plan (EXPLAIN, never run) statement shapes that are slow or frequent, and reports tables "
          + "read by full scans that an index would serve, with the CREATE INDEX to run (PostgreSQL, proved with a "
          + "hypothetical index where the HypoPG extension is installed; H2). false: no EXPLAIN is ever sent.",
      "On querylens' own thread: one EXPLAIN per qualifying shape (at most 10 a second) through a connection of the "
          + "application's pool, taken only while the pool has one idle and nobody waits; a catalog read per large "
          + "scanned table (cached for a minute).");

  public static final Setting<Integer> INDEX_MIN_ROWS = Setting.integer("index.min.rows", 10_000, 1, Integer.MAX_VALUE,
      "A fully scanned table needs at least this many rows (the database's estimate) for a missing index to be "
          + "reported: scanning a small table is cheaper than using an index.", "");

  public static final Setting<Long> INDEX_EXPLAIN_MIN_MS = Setting.millis("index.explain.min.ms", 1, 0,
      "A statement shape is planned once one execution takes at least this long (or it has run "
          + "index.explain.min.executions times). 0 plans every shape.",
      "One stack walk and one EXPLAIN per qualifying shape, once.");

  public static final Setting<Integer> INDEX_EXPLAIN_MIN_EXECUTIONS = Setting.integer("index.explain.min.executions",
      50, 1, Integer.MAX_VALUE,
      "A statement shape is planned once it has run this many times, however fast (or once an execution takes "
          + "index.explain.min.ms).", "");

  public static final Setting<List<String>> APP_PACKAGES = Setting.list("app.packages",
      "package prefixes separated by ;",
      "Package prefixes that count as application code when choosing a finding's call site. Empty: everything "
          + "not known to be a library (decided by where each class was loaded from, then by package).",
      "");

  public static final Setting<Boolean> LOG_PARAMETERS = Setting.flag("log.parameters", false,
      "Shows bind values and literals in findings (raw SQL, sample parameters).",
      "Privacy: parameter values (personal data, secrets) reach logs and the report. Keeps bound values of the "
          + "current statement per thread.");

  public static final Setting<List<String>> DETECTORS_DISABLED = Setting.list("detectors.disabled",
      "detector ids separated by ; (n-plus-one, slow-query, unbatched-writes, repeated-query, select-star, "
          + "offset-pagination, unbounded-result-set, sql-lint, connection-leak, chatty-request, slo-budget, "
          + "pool-exhaustion, missing-index)",
      "Detectors to switch off.", "");

  public static final Setting<List<String>> SUPPRESS = Setting.list("suppress",
      "entries separated by ;: a fingerprint, TYPE, TYPE@call.site.Prefix or @call.site.Prefix",
      "Findings not to report: a finding's fingerprint (16 hex digits, stable across runs), a finding type, a type "
          + "at call sites in a class, method or package (N_PLUS_ONE@com.example.report.ExportJob), or every type "
          + "at such call sites (@com.example.report). Suppressed findings are counted in the summary, not logged "
          + "or written. Test assertions are not affected.",
      "");

  public static final Setting<Long> UNIT_THREAD_GAP_MS = Setting.millis("unit.thread.gap.ms", 200, 1,
      "Statements outside any request, transaction or explicit scope are grouped per thread into bursts; a pause "
          + "this long ends a burst.",
      "");

  public static final Setting<Long> UNIT_THREAD_MAX_MS = Setting.millis("unit.thread.max.ms", 2_000, 1,
      "The longest a per-thread burst lasts before a new one starts.", "");

  public static final Setting<Integer> SHAPES_MAX = Setting.integer("shapes.max", 5_000, 100, 1_000_000,
      "Distinct statement shapes tracked; later new shapes share one overflow entry (counted, said once).",
      "About 1.5 KB of heap per shape.");

  public static final Setting<String> INSTRUMENTATION_CACHE = Setting.text("instrumentation.cache", null,
      "a directory, or none",
      "A directory where the agent keeps the JDBC classes it instrumented, so that later starts of the application with "
          + "the same agent build and JVM define them without building Byte Buddy (a few hundred ms of CPU at start). "
          + "One directory per build, the four most recently used kept, at most 2,000 classes and 64 MB each. Used only "
          + "on a POSIX file system where nobody else can change it: owned by the user running the JVM, writable by "
          + "nobody else, as is every directory above it (or sticky, as /tmp is). Default: none, nothing kept.",
      "A file read per instrumented class at start; a file written per class instrumented anew.");

  public static final Setting<Integer> SQL_MAX_LENGTH = Setting.integer("sql.max.length", 32 * 1024, 256,
      16 * 1024 * 1024,
      "Characters of a statement that are normalized; the rest of a longer statement is cut off its shape.",
      "Normalizing is linear in this length, once per new SQL string.");

  public static final Setting<SummaryMode> SUMMARY = Setting.choice("summary", SummaryMode.AUTO, SummaryMode.class,
      "When the shutdown summary (findings and top statement shapes by total time) is logged.", "");

  public static final Setting<Integer> SUMMARY_TOP = Setting.integer("summary.top", 10, 1, 1000,
      "How many statement shapes the shutdown summary lists.", "");

  /** Every setting, in documentation order. */
  public static final List<Setting<?>> ALL = List.of(
      REPORT, SLOW_THRESHOLD_MS, NPLUSONE_THRESHOLD, BATCH_THRESHOLD, REPEAT_THRESHOLD, OFFSET_THRESHOLD,
      ROWS_THRESHOLD, LINT_LITERAL_VALUES, LINT_IN_SIZES, LINT_SEVERITY, REQUEST_MAX_STATEMENTS, REQUEST_MAX_DB_MS,
      SLO_QUERY_P95_MS, SLO_REQUEST_DB_P95_MS, SLO_WINDOW_S, SLO_MIN_SAMPLES, HTML, ENDPOINTS_REPORT, SHAPES_REPORT,
      METRICS_MICROMETER, METRICS_JMX, TRACES_SPAN_EVENTS, LEAK_THRESHOLD_MS,
      POOL_WAIT_THRESHOLD_MS, POOL_STATS_INTERVAL, INDEX_ADVICE, INDEX_MIN_ROWS, INDEX_EXPLAIN_MIN_MS,
      INDEX_EXPLAIN_MIN_EXECUTIONS, APP_PACKAGES, LOG_PARAMETERS,
      DETECTORS_DISABLED, SUPPRESS, UNIT_THREAD_GAP_MS, UNIT_THREAD_MAX_MS, SHAPES_MAX, SQL_MAX_LENGTH, SUMMARY, SUMMARY_TOP,
      INSTRUMENTATION_CACHE, ENABLED, CONFIG);

  private Settings() {}

  /** The setting with {@code key}, or null. */
  public static Setting<?> byKey(String key) {
    for (Setting<?> setting : ALL) {
      if (setting.key().equals(key)) {
        return setting;
      }
    }
    return null;
  }
}
