package io.querylens.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.querylens.internal.Diagnostics;
import io.querylens.report.EndpointReport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EndpointStatsTest {

  @Test
  void smallStatementCountsAreExactPercentiles() {
    EndpointStats stats = new Endpoints().of("GET /owners/{ownerId}");
    for (int i = 1; i <= 100; i++) {
      stats.record(i <= 90 ? 3 : 51, i * 1_000_000L);
    }
    EndpointSummary summary = stats.snapshot();
    assertThat(summary.requests()).isEqualTo(100);
    assertThat(summary.statements()).isEqualTo(90 * 3 + 10 * 51);
    assertThat(summary.statementsP50()).isEqualTo(3);
    assertThat(summary.statementsP95()).isEqualTo(51);
    assertThat(summary.statementsMax()).isEqualTo(51);
    assertThat(summary.databaseMaxNanos()).isEqualTo(100_000_000L);
    assertThat(summary.databaseP50Nanos()).isBetween(44_000_000L, 57_000_000L);
    assertThat(summary.statementsMean()).isEqualTo(7.8);
  }

  @Test
  void largeCountsAreWithinTheHistogramsPrecision() {
    EndpointStats stats = new Endpoints().of("scope import");
    for (int i = 0; i < 10; i++) {
      stats.record(5_000, 1);
    }
    stats.record(0, 1);
    EndpointSummary summary = stats.snapshot();
    assertThat(summary.statementsP50()).isBetween(4_400L, 5_000L);
    assertThat(summary.statementsMax()).isEqualTo(5_000);
    assertThat(stats.snapshot().statementsP99()).isLessThanOrEqualTo(5_000);
  }

  @Test
  void endpointsPastTheBoundShareOneEntryAndTheDropIsCounted() {
    long before = Diagnostics.dropCounts().getOrDefault("endpoints", 0L);
    Endpoints endpoints = new Endpoints(3, 0);
    for (int i = 0; i < 10; i++) {
      endpoints.of("GET /page" + i).record(1, 1);
    }
    assertThat(endpoints.summaries()).extracting(EndpointSummary::name)
        .contains("GET /page0", "GET /page2", Endpoints.OTHER).doesNotContain("GET /page3");
    assertThat(endpoints.summaries()).filteredOn(summary -> summary.name().equals(Endpoints.OTHER))
        .singleElement().extracting(EndpointSummary::requests).isEqualTo(7L);
    assertThat(Diagnostics.dropCounts().get("endpoints")).isEqualTo(before + 7);
  }

  @Test
  void theEndpointsReportGoesBesideTheFindingsReportAsOneLinePerEndpoint(@TempDir Path directory)
      throws Exception {
    assertThat(EndpointReport.pathFor(null, "out/findings.jsonl")).isEqualTo(Path.of("out/findings.endpoints.jsonl"));
    assertThat(EndpointReport.pathFor(null, "findings.txt")).isEqualTo(Path.of("findings.txt.endpoints.jsonl"));
    assertThat(EndpointReport.pathFor("none", "findings.jsonl")).isNull();
    assertThat(EndpointReport.pathFor(null, null)).isNull();
    assertThat(EndpointReport.pathFor(null, "/dev/null")).as("nothing beside a device").isNull();
    assertThat(io.querylens.report.ShapeReport.pathFor(null, "/dev/stdout")).isNull();
    assertThat(io.querylens.report.ShapeReport.pathFor(null, "out/findings.jsonl"))
        .isEqualTo(Path.of("out/findings.shapes.jsonl"));
    assertThat(EndpointReport.pathFor("e.jsonl", null)).isEqualTo(Path.of("e.jsonl"));

    Endpoints endpoints = new Endpoints();
    endpoints.of("GET /owners/{ownerId}").record(3, 2_500_000);
    endpoints.of("POST /owners").record(2, 1_000_000);
    Path file = directory.resolve("findings.endpoints.jsonl");
    EndpointReport.write(file, endpoints.summaries());
    assertThat(Files.readAllLines(file)).satisfiesExactly(
        line -> assertThat(line).startsWith("{\"endpoint\":\"GET /owners/{ownerId}\",\"requests\":1,\"statements\":3,"
            + "\"statementsMean\":3.0,\"statementsP50\":3,\"statementsP95\":3,\"statementsP99\":3,"
            + "\"statementsMax\":3,\"databaseMs\":2.5,\"databaseMeanMs\":2.5,\"databaseP50Ms\":")
            .contains("\"databaseP95Ms\":", "\"databaseP99Ms\":").endsWith(",\"databaseMaxMs\":2.5}"),
        line -> assertThat(line).startsWith("{\"endpoint\":\"POST /owners\",\"requests\":1,\"statements\":2,"));
  }
}
