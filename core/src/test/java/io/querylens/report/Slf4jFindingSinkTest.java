package io.querylens.report;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.internal.Diagnostics;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class Slf4jFindingSinkTest {

  private final ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private Logger querylens;
  private Logger nPlusOne;

  @BeforeEach
  void attach() {
    Diagnostics.reset();
    Diagnostics.redirect(new PrintStream(diagnostics, true, StandardCharsets.UTF_8));
    querylens = (Logger) LoggerFactory.getLogger("querylens");
    nPlusOne = (Logger) LoggerFactory.getLogger("querylens.n-plus-one");
    logged.start();
    querylens.addAppender(logged);
  }

  @AfterEach
  void detach() {
    querylens.detachAppender(logged);
    nPlusOne.setLevel(null);
    Diagnostics.reset();
    Diagnostics.redirect(null);
  }

  private static Finding finding(String message, Severity severity) {
    return Finding.builder(FindingType.N_PLUS_ONE, severity, "n-plus-one")
        .sql("select c.id from customers c where c.id = ?")
        .tables(List.of("customers", "orders"))
        .columns(List.of("id"))
        .callSite("com.example.app.Orders.load(Orders.java:42)")
        .count(12)
        .message(message)
        .suggestion("Fix it.")
        .build();
  }

  private static Finding slow(String message) {
    return Finding.builder(FindingType.SLOW_QUERY, Severity.ERROR, "slow-query").message(message).build();
  }

  private static RunSummary summary() {
    return new RunSummary(42, 3, List.of(), List.of(), 0, Map.of(), List.of(), List.of(), 0);
  }

  private List<String> messages() {
    return logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  private List<String> diagnosticLines() {
    return diagnostics.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void libraryModeLogsAtOnceUnderTheDetectorsLoggerWithKeyValues() {
    Slf4jFindingSink sink = new Slf4jFindingSink(false);

    sink.accept(finding("N+1 here.", Severity.WARN));
    sink.accept(slow("Slow here."));

    assertThat(logged.list).hasSize(2);
    ILoggingEvent event = logged.list.get(0);
    assertThat(event.getLoggerName()).isEqualTo("querylens.n-plus-one");
    assertThat(event.getLevel()).isEqualTo(Level.WARN);
    assertThat(event.getFormattedMessage()).isEqualTo("N+1 here. Fix it.");
    assertThat(event.getKeyValuePairs().stream().collect(Collectors.toMap(p -> p.key, p -> p.value)))
        .containsExactlyInAnyOrderEntriesOf(Map.of(
            "querylens.type", "N_PLUS_ONE",
            "querylens.sql", "select c.id from customers c where c.id = ?",
            "querylens.tables", "customers,orders",
            "querylens.callSite", "com.example.app.Orders.load(Orders.java:42)",
            "querylens.count", 12L));
    assertThat(event.getKeyValuePairs()).extracting(p -> p.key)
        .containsExactlyElementsOf(Slf4jBridge.keyNames());
    assertThat(logged.list.get(1).getLoggerName()).isEqualTo("querylens.slow-query");
    assertThat(logged.list.get(1).getLevel()).isEqualTo(Level.ERROR);
    assertThat(logged.list.get(1).getFormattedMessage()).isEqualTo("Slow here.");
    assertThat(diagnosticLines()).isEmpty();
  }

  @Test
  void theSummaryGoesToStderrWhereAShuttingDownFrameworkCannotLoseIt() {
    Slf4jFindingSink sink = new Slf4jFindingSink(false);

    sink.summary(summary());

    assertThat(logged.list).isEmpty();
    assertThat(diagnosticLines()).singleElement().asString()
        .startsWith("[querylens] INFO querylens.summary - querylens summary: 42 statements in 3 shapes; 0 problems.");
  }

  @Test
  void theApplicationsLoggerLevelIsRespected() {
    nPlusOne.setLevel(Level.ERROR);
    Slf4jFindingSink sink = new Slf4jFindingSink(false);

    sink.accept(finding("a warning", Severity.WARN));
    sink.accept(finding("an error", Severity.ERROR));

    assertThat(messages()).containsExactly("an error Fix it.");
    assertThat(diagnosticLines()).as("a finding filtered by level is not sent to stderr instead").isEmpty();
  }

  @Test
  void agentModeWaitsForTheApplicationsSlf4jThenFlushesInOrder() {
    Slf4jFindingSink sink = new Slf4jFindingSink(true);

    sink.accept(finding("first", Severity.WARN));
    sink.accept(slow("second"));
    sink.tick(System.currentTimeMillis());
    assertThat(logged.list).as("the application's logging is not up yet").isEmpty();

    sink.onLoggerFactoryReady(LoggerFactory.class);
    sink.accept(finding("third", Severity.WARN));
    assertThat(logged.list).as("only the worker's tick flushes").isEmpty();

    sink.tick(System.currentTimeMillis());
    assertThat(messages()).containsExactly("first Fix it.", "second", "third Fix it.");

    sink.accept(finding("fourth", Severity.WARN));
    assertThat(messages()).hasSize(4).last().isEqualTo("fourth Fix it.");
    assertThat(diagnosticLines()).isEmpty();
  }

  @Test
  void agentModeClosedBeforeTheApplicationsLoggingIsUpWritesToStderr() {
    Slf4jFindingSink sink = new Slf4jFindingSink(true);
    sink.accept(finding("first", Severity.WARN));
    sink.accept(slow("second"));

    sink.close();

    assertThat(logged.list).isEmpty();
    assertThat(diagnosticLines()).containsExactly(
        "[querylens] WARN querylens.n-plus-one - first Fix it.",
        "[querylens] ERROR querylens.slow-query - second");
  }

  @Test
  void agentModeGivesUpWaitingAfterTheMaximumAndUsesStderr() {
    Slf4jFindingSink sink = new Slf4jFindingSink(true);
    sink.accept(finding("first", Severity.WARN));

    sink.tick(System.currentTimeMillis() + Slf4jFindingSink.MAX_WAIT_MILLIS + 1_000);
    sink.accept(finding("second", Severity.WARN));

    assertThat(logged.list).isEmpty();
    assertThat(diagnosticLines()).containsExactly(
        "[querylens] the application's SLF4J did not start within 30 s; findings go to stderr",
        "[querylens] WARN querylens.n-plus-one - first Fix it.",
        "[querylens] WARN querylens.n-plus-one - second Fix it.");
  }

  @Test
  void anApplicationSlf4jWithoutABackendMeansStderr() throws Exception {
    URL api = LoggerFactory.class.getProtectionDomain().getCodeSource().getLocation();
    PrintStream realErr = System.err;
    try (URLClassLoader application = new URLClassLoader(new URL[] {api}, null)) {
      System.setErr(new PrintStream(OutputStream.nullOutputStream()));
      Class<?> isolatedFactory = Class.forName("org.slf4j.LoggerFactory", true, application);
      Slf4jFindingSink sink = new Slf4jFindingSink(true);
      sink.accept(finding("first", Severity.WARN));

      sink.onLoggerFactoryReady(isolatedFactory);
      sink.tick(System.currentTimeMillis());
      sink.accept(finding("second", Severity.WARN));
    } finally {
      System.setErr(realErr);
    }

    assertThat(logged.list).isEmpty();
    assertThat(diagnosticLines()).containsExactly(
        "[querylens] WARN querylens.n-plus-one - first Fix it.",
        "[querylens] WARN querylens.n-plus-one - second Fix it.");
  }

  @Test
  void pastTheBufferFindingsGoToStderrAndTheDropIsCounted() {
    Slf4jFindingSink sink = new Slf4jFindingSink(true);
    for (int i = 0; i < 1_002; i++) {
      sink.accept(finding("finding " + i, Severity.WARN));
    }

    assertThat(Diagnostics.dropCounts()).containsEntry("findings waiting for the application's logging", 2L);
    assertThat(diagnosticLines()).hasSize(3).last().isEqualTo("[querylens] WARN querylens.n-plus-one - finding 1001 Fix it.");

    sink.onLoggerFactoryReady(LoggerFactory.class);
    sink.tick(System.currentTimeMillis());
    assertThat(messages()).hasSize(1_000).first().isEqualTo("finding 0 Fix it.");
  }

  @Test
  void closingWithNothingWaitingDoesNothing() {
    Slf4jFindingSink sink = new Slf4jFindingSink(true);

    sink.close();

    assertThat(logged.list).isEmpty();
    assertThat(diagnosticLines()).isEmpty();
  }
}
