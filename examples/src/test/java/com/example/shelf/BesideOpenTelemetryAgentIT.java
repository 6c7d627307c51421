package com.example.shelf;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The demo with the OpenTelemetry Java agent attached as well, in either order: both instrument the same JDBC calls
 * and servlets, and the service has Micrometer (its Prometheus endpoint). querylens must count every statement exactly once (the same statements, per endpoint and in all, and
 * the same findings as without OpenTelemetry), the application must answer the same, and each finding must be on its
 * request's trace as a {@code querylens.finding} span event (through the OpenTelemetry agent's own API: the example
 * has no OpenTelemetry dependency), while the clean request's span has none; and each finding is an OpenTelemetry log
 * record with querylens' attributes, through the agent's capture of the application's Logback.
 */
class BesideOpenTelemetryAgentIT {

  private static final Pattern STATEMENTS = Pattern.compile("querylens summary: ([\\d,]+) statements");

  record Run(String log, List<String> findings, List<String> endpoints) {

    /**
     * What the application answered: the demo's "GET ... -> n bytes" lines; not the top customers, whose ties in the
     * total ordered by make the ten listed vary from run to run, with or without any agent.
     */
    List<String> answers() {
      return log.lines().filter(line -> line.contains("DemoRun") && line.contains(" bytes"))
          .filter(line -> !line.contains("OtlpJson")) // the same lines, exported as log records
          .filter(line -> !line.contains("top-customers"))
          .map(line -> line.substring(line.indexOf(": GET ") + 2)).toList();
    }

    /** Statements in all (not shapes: which shapes a run has seen varies by one or two without OpenTelemetry). */
    String statements() {
      Matcher matcher = STATEMENTS.matcher(log);
      assertThat(matcher.find()).as(log).isTrue();
      return matcher.group(1);
    }

    /** Each endpoint's requests and statements. */
    Map<String, String> endpointCounts() {
      Map<String, String> counts = new TreeMap<>();
      for (String line : endpoints) {
        counts.put(JsonPath.read(line, "$.endpoint"),
            JsonPath.read(line, "$.requests") + " requests, " + JsonPath.read(line, "$.statements") + " statements");
      }
      return counts;
    }

    /**
     * The findings that come from counting statements, not timing them (which statements are slow varies from run to
     * run): type, what it is about and the count. For a chatty request, its endpoint (its shape is the one run most,
     * by time among equals).
     */
    List<String> countedFindings() {
      List<String> keys = new ArrayList<>();
      for (String line : findings) {
        String type = JsonPath.read(line, "$.type");
        if (List.of("N_PLUS_ONE", "CHATTY_REQUEST", "REPEATED_QUERY", "UNBATCHED_WRITES").contains(type)) {
          keys.add(type + " " + JsonPath.read(line, type.equals("CHATTY_REQUEST") ? "$.unit" : "$.sql") + " x"
              + JsonPath.read(line, "$.count"));
        }
      }
      return keys.stream().sorted().toList();
    }

    /**
     * The log records the OpenTelemetry agent exported from the application's Logback whose {@code querylens.type}
     * attribute is {@code type}: their bodies.
     */
    List<String> logRecordBodies(String type) {
      List<String> bodies = new ArrayList<>();
      for (String json : log.lines().filter(line -> line.contains("OtlpJsonLoggingLogRecordExporter - {"))
          .map(line -> line.substring(line.indexOf(" - {") + 3)).toList()) {
        List<Map<String, Object>> records = JsonPath.read(json, "$..logRecords[*]");
        for (Map<String, Object> record : records) {
          List<String> types = JsonPath.read(record, "$.attributes[?(@.key == 'querylens.type')].value.stringValue");
          if (types.contains(type)) {
            bodies.add(JsonPath.read(record, "$.body.stringValue"));
          }
        }
      }
      return bodies;
    }

    /** The names of the querylens events on each span named {@code span}, one list per span. */
    List<List<String>> eventTypes(String span) {
      List<List<String>> result = new ArrayList<>();
      for (String json : log.lines().filter(line -> line.contains("OtlpJsonLoggingSpanExporter - {"))
          .map(line -> line.substring(line.indexOf(" - {") + 3)).toList()) {
        List<Map<String, Object>> matching = JsonPath.read(json, "$..spans[?(@.name == '" + span + "')]");
        for (Map<String, Object> found : matching) {
          List<String> types = JsonPath.read(found, "$.events[?(@.name == 'querylens.finding')]"
              + ".attributes[?(@.key == 'querylens.finding.type')].value.stringValue");
          result.add(types);
        }
      }
      return result;
    }
  }

  static Run run(Path java, Path directory, boolean openTelemetry, boolean openTelemetryFirst) throws Exception {
    Files.createDirectories(directory);
    Path report = directory.resolve("findings.jsonl");
    Path out = directory.resolve("out.txt");
    String querylens = "-javaagent:" + Path.of(System.getProperty("querylens.agent.jar")).toAbsolutePath()
        + "=report=" + report;
    List<String> command = new ArrayList<>(List.of(java.toString()));
    if (openTelemetry) {
      String otel = "-javaagent:" + Path.of(System.getProperty("otel.agent.jar")).toAbsolutePath();
      command.addAll(openTelemetryFirst ? List.of(otel, querylens) : List.of(querylens, otel));
      command.addAll(List.of("-Dotel.traces.exporter=logging-otlp", "-Dotel.metrics.exporter=none",
          "-Dotel.logs.exporter=logging-otlp",
          "-Dotel.instrumentation.logback-appender.experimental.capture-key-value-pair-attributes=true",
          "-Dotel.service.name=querylens-example", "-Dotel.bsp.schedule.delay=100",
          "-Dotel.blrp.schedule.delay=100"));
    } else {
      command.add(querylens);
    }
    command.addAll(List.of("-jar", Path.of(System.getProperty("querylens.example.jar")).toAbsolutePath().toString()));
    // Two files: the OpenTelemetry agent's exporters print long lines on stderr while Spring Boot logs on stdout, and
    // one file for both would let a line of one land inside a line of the other.
    Path err = directory.resolve("err.txt");
    Process demo = new ProcessBuilder(command).directory(directory.toFile()).redirectOutput(out.toFile())
        .redirectError(err.toFile()).start();
    assertThat(demo.waitFor(4, TimeUnit.MINUTES)).as("the demo ends by itself").isTrue();
    String log = Files.readString(out) + System.lineSeparator() + Files.readString(err);
    assertThat(demo.exitValue()).as(log).isZero();
    assertThat(log).doesNotContain("internal error");
    return new Run(log, Files.readAllLines(report), Files.readAllLines(directory.resolve("findings.endpoints.jsonl")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("com.example.shelf.DemoWithAgentIT#jdks")
  void countsEachStatementOnceAndPutsFindingsOnTheTraceInEitherOrder(Path java) throws Exception {
    Path directory = Files.createTempDirectory("querylens-otel-");
    Run alone = run(java, directory.resolve("alone"), false, false);

    for (boolean openTelemetryFirst : List.of(true, false)) {
      String order = openTelemetryFirst ? "OpenTelemetry agent first" : "querylens first";
      Run beside = run(java, directory.resolve(openTelemetryFirst ? "otel-first" : "querylens-first"), true,
          openTelemetryFirst);

      assertThat(beside.answers()).as(order + ": the application answers the same").isNotEmpty()
          .isEqualTo(alone.answers());
      assertThat(beside.statements()).as(order).isEqualTo(alone.statements());
      assertThat(beside.endpointCounts()).as(order).isEqualTo(alone.endpointCounts())
          .containsEntry("GET /authors", "3 requests, 153 statements")
          .containsEntry("GET /authors/{authorId}/overview", "1 requests, 52 statements");
      assertThat(beside.countedFindings()).as(order + ": " + beside.log).isEqualTo(alone.countedFindings())
          .contains("CHATTY_REQUEST request GET /authors/{authorId}/overview x52");
      assertThat(beside.findings).as(order).anySatisfy(line -> assertThat(line).contains("\"type\":\"SLOW_QUERY\"")
          .contains("group by customer_email"));

      assertThat(beside.eventTypes("GET /authors")).as(order + ": each N+1 request's span: " + beside.log)
          .hasSize(3).allSatisfy(types -> assertThat(types).containsExactly("N_PLUS_ONE"));
      assertThat(beside.eventTypes("GET /authors/{authorId}/overview")).as(order)
          .singleElement().satisfies(types -> assertThat(types).containsExactly("CHATTY_REQUEST"));
      assertThat(beside.eventTypes("GET /authors/fixed")).as(order + ": the clean request's span")
          .singleElement().satisfies(types -> assertThat(types).isEmpty());

      assertThat(beside.log).as(order + ": querylens' meters on Spring Boot's Prometheus endpoint, beside the agent")
          .contains("metric querylens_findings_total{type=\"CHATTY_REQUEST\"} 1.0")
          .contains("metric querylens_endpoint_statements_total{endpoint=\"GET /authors/{authorId}/overview\"} 52.0");

      assertThat(beside.logRecordBodies("N_PLUS_ONE")).as(order + ": findings as OpenTelemetry log records")
          .singleElement().satisfies(body -> assertThat(body).startsWith("N+1: 50 executions of [select b1_0."));
      assertThat(beside.logRecordBodies("CHATTY_REQUEST")).as(order)
          .singleElement().satisfies(body -> assertThat(body).startsWith("Chatty request: GET /authors/{authorId}"));
    }
  }
}
