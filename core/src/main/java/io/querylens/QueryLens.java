package io.querylens;

import io.querylens.capture.CaptureScope;
import io.querylens.capture.QueryCapture;
import io.querylens.config.ConfigLoader;
import io.querylens.config.QueryLensConfig;
import io.querylens.config.Settings;
import io.querylens.endpoint.EndpointSummary;
import io.querylens.finding.Finding;
import io.querylens.internal.Diagnostics;
import io.querylens.runtime.QueryLensRuntime;
import io.querylens.jdbc.WatchedJdbc;
import java.util.List;
import javax.sql.DataSource;

/**
 * The public API. Works the same whether querylens runs as the agent or was started in-process with {@link #start}.
 *
 * <pre>{@code
 * try (UnitOfWorkScope scope = QueryLens.unitOfWork("nightly-import")) {
 *   importer.run();   // N+1 and other per-unit detectors count everything in here as one unit of work
 * }
 * }</pre>
 */
public final class QueryLens {

  private QueryLens() {}

  /**
   * Opens a unit of work on the current thread, ended by closing the returned scope. The outermost open unit counts:
   * inside an HTTP request (or another scope) this does nothing but return a scope whose {@code close()} does nothing.
   * Without querylens running it does nothing.
   *
   * @param name what the work is; appears in findings ("in scope nightly-import")
   */
  public static UnitOfWorkScope unitOfWork(String name) {
    return new UnitOfWorkScope(AgentBridge.beginUnit("scope", name == null ? "unnamed" : name));
  }

  /**
   * Starts querylens in this JVM without the agent, with {@code config}; the JDBC calls it sees must be fed to it
   * through {@link io.querylens.bootstrap.Hooks} (the agent does this by instrumentation).
   */
  public static QueryLensRuntime start(QueryLensConfig config) {
    return QueryLensRuntime.start(config, QueryLensRuntime.Mode.LIBRARY, false);
  }

  /**
   * Opens a capture of the statements this thread runs, until it is closed; see {@link QueryCapture}. Under the
   * {@code -javaagent} the agent records them; without it, querylens starts in this JVM (settings from
   * {@code querylens.properties} and {@code -Dquerylens.*}) if it is not running yet, and sees what runs through
   * {@link #wrap} data sources.
   */
  public static QueryCapture capture() {
    return capture("capture", CaptureScope.THIS_THREAD);
  }

  /** Opens a capture of the statements of this thread, or of every thread ({@link CaptureScope#ALL_THREADS}). */
  public static QueryCapture capture(CaptureScope scope) {
    return capture("capture", scope);
  }

  /**
   * Opens a capture named {@code name} (failure messages and N+1 findings name it: "in capture listsOrders").
   */
  public static QueryCapture capture(String name, CaptureScope scope) {
    if (!AgentBridge.agentPresent() && !runtime().config().get(Settings.ENABLED)) {
      throw new IllegalStateException("querylens is switched off (querylens.enabled=false): it records nothing, so"
          + " nothing can be captured");
    }
    return QueryCapture.open(AgentBridge.captureBridge(), name, scope);
  }

  /**
   * {@code dataSource}, watched by querylens without the agent: its connections and statements report to querylens,
   * which starts in this JVM if it is not running yet. Under the agent, which already sees every statement, returns
   * {@code dataSource} itself, so nothing is counted twice.
   */
  public static DataSource wrap(DataSource dataSource) {
    if (AgentBridge.agentPresent()) {
      return dataSource;
    }
    runtime();
    return WatchedJdbc.wrap(dataSource);
  }

  /** Whether the querylens {@code -javaagent} runs in this JVM (it then sees every JDBC call by itself). */
  public static boolean agentAttached() {
    return AgentBridge.agentPresent();
  }

  /**
   * Makes sure querylens runs: nothing to do under the agent; otherwise starts it in this JVM (settings from
   * {@code querylens.properties} and {@code -Dquerylens.*}) unless it is running already. For feeding paths other
   * than {@link #wrap}, such as the p6spy module.
   */
  public static void ensureRunning() {
    if (!agentAttached()) {
      runtime();
    }
  }

  private static synchronized QueryLensRuntime runtime() {
    QueryLensRuntime runtime = QueryLensRuntime.active();
    if (runtime == null) {
      QueryLensConfig config = ConfigLoader.load(null);
      config.problems().forEach(Diagnostics::say);
      runtime = QueryLensRuntime.start(config, QueryLensRuntime.Mode.LIBRARY, true);
    }
    return runtime;
  }

  /**
   * Every endpoint (request route or scope name) seen so far by the running querylens, with its statements and
   * database time per request, the most database time first (empty when none runs).
   */
  public static List<EndpointSummary> endpoints() {
    QueryLensRuntime runtime = QueryLensRuntime.active();
    return runtime == null ? List.of() : runtime.recorder().endpoints().summaries();
  }

  /** Every distinct problem found so far by the running querylens (empty when none runs). */
  public static List<Finding> findings() {
    QueryLensRuntime runtime = QueryLensRuntime.active();
    if (runtime == null) {
      return List.of();
    }
    runtime.flush();
    return runtime.findings();
  }
}
