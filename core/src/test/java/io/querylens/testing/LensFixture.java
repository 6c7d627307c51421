package io.querylens.testing;

import com.example.app.CustomerLookups;
import io.querylens.config.QueryLensConfig;
import io.querylens.config.Settings;
import io.querylens.finding.Finding;
import io.querylens.runtime.QueryLensRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * An H2 database with customers 1..50, querylens started in library mode writing a report file, and diagnostics
 * captured. Closing it shuts querylens down and restores every global.
 */
public final class LensFixture implements AutoCloseable {

  public final Connection connection;
  public final CustomerLookups app;
  public final Path report;
  private final LibraryLens lens = new LibraryLens();
  private QueryLensRuntime runtime;

  public LensFixture(Path directory) throws SQLException {
    connection = DriverManager.getConnection("jdbc:h2:mem:" + UUID.randomUUID());
    CustomerLookups.createSchema(connection, 50);
    app = new CustomerLookups(connection);
    report = directory.resolve("findings.jsonl");
  }

  /** Starts querylens: report file, N+1 threshold 5, then {@code settings}. */
  public QueryLensRuntime start(UnaryOperator<QueryLensConfig.Builder> settings) {
    runtime = lens.start(builder -> settings.apply(builder
        .set(Settings.SUMMARY, Settings.SUMMARY.defaultValue())
        .set(Settings.REPORT, report.toString())
        .set(Settings.NPLUSONE_THRESHOLD, 5)));
    return runtime;
  }

  public QueryLensRuntime runtime() {
    return runtime;
  }

  /** Reports everything detected so far and returns every distinct finding. */
  public List<Finding> findings() {
    runtime.flush();
    return runtime.findings();
  }

  /** Shuts querylens down (ends open bursts, reports) and returns every distinct finding. */
  public List<Finding> findingsAfterShutdown() {
    runtime.shutdown();
    return runtime.findings();
  }

  /** The report file's lines, parsed. */
  public List<Map<String, Object>> reportLines() {
    return reportText().lines().map(MiniJson::object).toList();
  }

  public String reportText() {
    try {
      return Files.exists(report) ? Files.readString(report) : "";
    } catch (IOException failed) {
      throw new UncheckedIOException(failed);
    }
  }

  /** Everything querylens wrote to stderr. */
  public String diagnostics() {
    return lens.diagnostics();
  }

  @Override
  public void close() throws SQLException {
    try {
      lens.close();
    } finally {
      connection.close();
    }
  }
}
