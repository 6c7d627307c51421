package io.querylens.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.querylens.QueryLens;
import io.querylens.UnitOfWorkScope;
import io.querylens.bootstrap.HookListener;
import io.querylens.bootstrap.Hooks;
import io.querylens.config.Settings;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.testing.LensFixture;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/** The runtime in library mode: findings reach SLF4J and the report file, and parameters only when allowed. */
@SuppressWarnings("try") // scopes are opened for their extent, as the API documents
class QueryLensRuntimeTest {

  private static final String BIND_SECRET = "BindSecret-5309";
  private static final String LITERAL_SECRET = "LiteralSecret-7781";

  @TempDir Path directory;
  private LensFixture lens;
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private Logger querylensLogger;

  @BeforeEach
  void open() throws Exception {
    lens = new LensFixture(directory);
    querylensLogger = (Logger) LoggerFactory.getLogger("querylens");
    logged.start();
    querylensLogger.addAppender(logged);
  }

  @AfterEach
  void close() throws Exception {
    try {
      lens.close();
    } finally {
      querylensLogger.detachAppender(logged);
    }
  }

  private List<ILoggingEvent> events(String logger) {
    return logged.list.stream().filter(event -> event.getLoggerName().equals(logger)).toList();
  }

  private static Map<String, Object> keyValues(ILoggingEvent event) {
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    return pairs == null ? Map.of() : pairs.stream().collect(Collectors.toMap(p -> p.key, p -> p.value));
  }

  /** An N+1 and a slow query, both on the statement with secrets in its literal and bind values. */
  private void runSecretQueries() throws Exception {
    try (UnitOfWorkScope scope = QueryLens.unitOfWork("search")) {
      for (int i = 1; i <= 6; i++) {
        lens.app.loadByName(BIND_SECRET + "-" + i);
      }
    }
    lens.app.loadByNameSlowly(BIND_SECRET + "-slow", 30);
  }

  private String everythingLogged() {
    StringBuilder text = new StringBuilder();
    for (ILoggingEvent event : logged.list) {
      text.append(event.getFormattedMessage()).append('\n').append(keyValues(event)).append('\n');
    }
    return text.toString();
  }

  @Test
  void findingsReachSlf4jWithLevelMessageAndKeyValues() throws Exception {
    lens.start(b -> b);
    try (UnitOfWorkScope scope = QueryLens.unitOfWork("checkout")) {
      lens.app.loadEachCustomer(1, 2, 3, 4, 5, 6);
    }
    Finding finding = lens.findings().get(0);

    List<ILoggingEvent> events = events("querylens.n-plus-one");
    assertThat(events).singleElement().satisfies(event -> {
      assertThat(event.getLevel()).isEqualTo(Level.WARN);
      assertThat(event.getFormattedMessage())
          .startsWith("N+1: 6 executions of [select c.id, c.name from customers c where c.id = ?] from "
              + "com.example.app.CustomerLookups.loadEachCustomer(CustomerLookups.java:")
          .contains("in scope checkout")
          .endsWith(finding.suggestion())
          .isEqualTo(finding.message() + " " + finding.suggestion());
      assertThat(keyValues(event))
          .containsEntry("querylens.type", "N_PLUS_ONE")
          .containsEntry("querylens.sql", "select c.id, c.name from customers c where c.id = ?")
          .containsEntry("querylens.tables", "customers")
          .containsEntry("querylens.callSite", finding.callSite())
          .containsEntry("querylens.count", 6L)
          .hasSize(5);
    });
  }

  @Test
  void theReportFileHoldsTheSameFinding() throws Exception {
    lens.start(b -> b);
    try (UnitOfWorkScope scope = QueryLens.unitOfWork("checkout")) {
      lens.app.loadEachCustomer(1, 2, 3, 4, 5, 6);
    }
    Finding finding = QueryLens.findings().get(0);

    assertThat(lens.reportLines()).singleElement().satisfies(line -> {
      assertThat(List.copyOf(line.keySet()).subList(0, 9)).containsExactly(
          "type", "severity", "sql", "tables", "columns", "callSite", "count", "message", "suggestion");
      assertThat(line)
          .containsEntry("type", "N_PLUS_ONE")
          .containsEntry("severity", "WARN")
          .containsEntry("sql", finding.sql())
          .containsEntry("tables", List.of("customers"))
          .containsEntry("columns", List.of("id"))
          .containsEntry("callSite", finding.callSite())
          .containsEntry("count", 6L)
          .containsEntry("message", finding.message())
          .containsEntry("suggestion", finding.suggestion())
          .containsEntry("detector", "n-plus-one")
          .containsEntry("unit", "scope checkout");
    });
  }

  @Test
  void withoutLogParametersNoLiteralOrBindValueIsWrittenAnywhere() throws Exception {
    lens.start(b -> b.set(Settings.SLOW_THRESHOLD_MS, 20L).set(Settings.SUMMARY, Settings.SummaryMode.ALWAYS));
    runSecretQueries();

    List<Finding> findings = lens.findingsAfterShutdown();
    assertThat(findings).extracting(Finding::type)
        .containsExactlyInAnyOrder(FindingType.N_PLUS_ONE, FindingType.SLOW_QUERY);
    for (Finding finding : findings) {
      assertThat(finding.details()).doesNotContainKeys("rawSql", "parameters");
      assertThat(finding.toString() + finding.details()).doesNotContain("Secret");
    }
    assertThat(lens.reportLines()).hasSize(2);
    assertThat(lens.reportText()).doesNotContain("Secret");
    assertThat(logged.list).hasSize(2);
    assertThat(everythingLogged()).doesNotContain("Secret");
    assertThat(lens.diagnostics()).as("the summary, on stderr").contains("querylens summary:").doesNotContain("Secret");
  }

  @Test
  void withLogParametersRawSqlAndBindValuesAppearInDetails() throws Exception {
    lens.start(b -> b.set(Settings.SLOW_THRESHOLD_MS, 20L).set(Settings.LOG_PARAMETERS, true));
    runSecretQueries();

    List<Finding> findings = lens.findingsAfterShutdown();
    assertThat(findings).hasSize(2).allSatisfy(finding -> {
      assertThat(finding.sql()).doesNotContain("Secret");
      assertThat((String) finding.details().get("rawSql")).contains("'" + LITERAL_SECRET + "'");
      assertThat((String) finding.details().get("parameters")).startsWith("[1='" + BIND_SECRET + "-");
    });
    assertThat(lens.reportText()).contains(LITERAL_SECRET).contains(BIND_SECRET);
  }

  @Test
  void shutdownUninstallsTheHooksAndLaterStatementsAreNotRecorded() throws Exception {
    QueryLensRuntime runtime = lens.start(b -> b);
    assertThat(QueryLensRuntime.active()).isSameAs(runtime);
    assertThat(Hooks.listener()).isSameAs(runtime.recorder());

    runtime.shutdown();
    lens.app.loadEachCustomer(1, 2, 3, 4, 5, 6);

    assertThat(QueryLensRuntime.active()).isNull();
    assertThat(Hooks.listener()).isSameAs(HookListener.NO_OP);
    assertThat(runtime.recorder().statementCount()).isZero();
    assertThat(QueryLens.findings()).isEmpty();
  }

  @Test
  void disabledRecordsNothing() throws Exception {
    QueryLensRuntime runtime = lens.start(b -> b.set(Settings.ENABLED, false));
    lens.app.loadEachCustomer(1, 2, 3, 4, 5, 6);

    assertThat(Hooks.listener()).isSameAs(HookListener.NO_OP);
    assertThat(runtime.recorder().statementCount()).isZero();
    assertThat(lens.findingsAfterShutdown()).isEmpty();
  }

  @Test
  void aDisabledDetectorReportsNothing() throws Exception {
    lens.start(b -> b.set(Settings.DETECTORS_DISABLED, List.of("n-plus-one")));
    try (UnitOfWorkScope scope = QueryLens.unitOfWork("checkout")) {
      lens.app.loadEachCustomer(1, 2, 3, 4, 5, 6);
    }

    assertThat(lens.runtime().detectors()).extracting(d -> d.id())
        .containsExactly("slow-query", "unbatched-writes", "repeated-query", "select-star", "offset-pagination",
            "unbounded-result-set", "sql-lint", "connection-leak", "chatty-request", "slo-budget",
            "pool-exhaustion",
            "missing-index");
    assertThat(lens.findings()).isEmpty();
  }
}
