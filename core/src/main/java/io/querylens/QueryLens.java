package io.querylens;

import io.querylens.config.QueryLensConfig;
import io.querylens.finding.Finding;
import io.querylens.runtime.QueryLensRuntime;
import java.util.List;

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
