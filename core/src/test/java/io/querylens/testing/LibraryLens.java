package io.querylens.testing;

import io.querylens.bootstrap.HookListener;
import io.querylens.bootstrap.Hooks;
import io.querylens.config.QueryLensConfig;
import io.querylens.config.Settings;
import io.querylens.internal.Diagnostics;
import io.querylens.runtime.QueryLensRuntime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * querylens' diagnostics captured from creation, and querylens in library mode started on demand (no summary, then
 * the given settings). Closing it shuts querylens down, uninstalls the hooks and restores the diagnostics.
 */
public final class LibraryLens implements AutoCloseable {

  private final ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
  private QueryLensRuntime runtime;

  public LibraryLens() {
    Diagnostics.reset();
    Diagnostics.redirect(new PrintStream(diagnostics, true, StandardCharsets.UTF_8));
  }

  /** Starts querylens with {@code summary=never}, then {@code settings}. */
  public QueryLensRuntime start(UnaryOperator<QueryLensConfig.Builder> settings) {
    runtime = QueryLensRuntime.start(settings.apply(QueryLensConfig.builder()
        .set(Settings.SUMMARY, Settings.SummaryMode.NEVER)).build(), QueryLensRuntime.Mode.LIBRARY, false);
    return runtime;
  }

  public QueryLensRuntime runtime() {
    return runtime;
  }

  /** Everything querylens said on its diagnostics stream so far. */
  public String diagnostics() {
    return diagnostics.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    try {
      if (runtime != null) {
        runtime.shutdown();
      }
    } finally {
      Hooks.install(HookListener.NO_OP);
      Hooks.installCaptureBridge(null);
      Diagnostics.reset();
      Diagnostics.redirect(null);
    }
  }

  /** One step of an application's run, whose outcome is compared with and without querylens. */
  @FunctionalInterface
  public interface Step {
    String run() throws Exception;
  }

  /**
   * Adds {@code step}'s outcome to {@code steps}: {@code ok <result>}, or {@code error <class> <SQL state>} (and the
   * message when {@code withMessage}).
   */
  public static void record(List<String> steps, boolean withMessage, Step step) {
    try {
      steps.add("ok " + step.run());
    } catch (Exception failed) {
      String state = failed instanceof SQLException sql ? " " + sql.getSQLState() : "";
      steps.add("error " + failed.getClass().getName() + state + (withMessage ? ": " + failed.getMessage() : ""));
    }
  }
}
