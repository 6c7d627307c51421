package io.querylens.report;

import io.querylens.detect.SqlText;
import io.querylens.endpoint.EndpointSummary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The endpoints of a run as JSON Lines, one object per endpoint, written when querylens shuts down (the
 * {@code endpoints.report} setting; by default beside the findings report: {@code findings.jsonl} gives
 * {@code findings.endpoints.jsonl}). Kept apart from the findings file, whose every line is a finding.
 */
public final class EndpointReport {

  private EndpointReport() {}

  /**
   * Where the endpoints go: {@code configured} if set ({@code none} for nowhere), else beside {@code findingsReport};
   * null for nowhere.
   */
  public static Path pathFor(String configured, String findingsReport) {
    return ReportFiles.besideReport(configured, findingsReport, ".endpoints.jsonl");
  }

  /** Replaces {@code path} with one line per endpoint; on failure says so once. */
  public static void write(Path path, List<EndpointSummary> endpoints) {
    List<String> lines = new ArrayList<>(endpoints.size());
    endpoints.forEach(endpoint -> lines.add(toJson(endpoint)));
    ReportFiles.replaceLines(path, lines, "endpoints report");
  }

  /** One endpoint as one line of JSON. */
  public static String toJson(EndpointSummary endpoint) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("endpoint", endpoint.name());
    fields.put("requests", endpoint.requests());
    fields.put("statements", endpoint.statements());
    fields.put("statementsMean", Math.round(endpoint.statementsMean() * 100) / 100.0);
    fields.put("statementsP50", endpoint.statementsP50());
    fields.put("statementsP95", endpoint.statementsP95());
    fields.put("statementsP99", endpoint.statementsP99());
    fields.put("statementsMax", endpoint.statementsMax());
    fields.put("databaseMs", SqlText.millisValue(endpoint.databaseNanos()));
    fields.put("databaseMeanMs", SqlText.millisValue(endpoint.databaseMeanNanos()));
    fields.put("databaseP50Ms", SqlText.millisValue(endpoint.databaseP50Nanos()));
    fields.put("databaseP95Ms", SqlText.millisValue(endpoint.databaseP95Nanos()));
    fields.put("databaseP99Ms", SqlText.millisValue(endpoint.databaseP99Nanos()));
    fields.put("databaseMaxMs", SqlText.millisValue(endpoint.databaseMaxNanos()));
    StringBuilder line = new StringBuilder(256);
    Json.value(line, fields);
    return line.toString();
  }
}
