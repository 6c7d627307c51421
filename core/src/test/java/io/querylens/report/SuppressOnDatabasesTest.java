package io.querylens.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.shipping.CarrierDashboard;
import com.example.shipping.Shipments;
import io.querylens.config.Settings;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.testing.PoolLens;
import io.querylens.testing.TestDatabases.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code suppress} on a real run: the N+1 of a deliberate loop is kept out of the findings, the report file and the
 * problem count, and counted in the summary; the same loop elsewhere is still reported; a test's capture still sees it.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.querylens.testing.TestDatabases#all")
class SuppressOnDatabasesTest {

  @Parameter TestDatabase database;

  @TempDir Path directory;

  private PoolLens lens;

  @AfterEach
  void close() throws Exception {
    if (lens != null) {
      lens.close();
    }
  }

  private List<Finding> runEveryCarrierUnder(String suppress) throws Exception {
    Path report = directory.resolve("findings.jsonl");
    lens = new PoolLens(database, settings -> settings.set(Settings.INDEX_ADVICE, false)
        .set(Settings.REPORT, report.toString()).set(Settings.SUPPRESS, List.of(suppress.split(";"))));
    Shipments shipments = lens.shipments("suppress", 2_000);
    CarrierDashboard dashboard = new CarrierDashboard(shipments);
    PoolLens.request("/carriers", "/carriers", () -> dashboard.everyCarrier(12));
    lens.runtime.flush();
    return lens.runtime.problems().stream().map(Reporter.Problem::finding).toList();
  }

  @Test
  void aDeliberateNPlusOneSuppressedByItsCallSiteIsCountedButNotReported() throws Exception {
    List<Finding> findings = runEveryCarrierUnder("N_PLUS_ONE@com.example.shipping.Shipments.byCarrier");

    assertThat(findings).noneMatch(finding -> finding.type() == FindingType.N_PLUS_ONE);
    assertThat(lens.runtime.suppressedProblems()).isEqualTo(1);
    assertThat(Files.readString(directory.resolve("findings.jsonl"))).doesNotContain("N_PLUS_ONE");

    List<Finding> captured = PoolLens.captured(FindingType.N_PLUS_ONE,
        () -> new CarrierDashboard(lens.shipments("captured", 100)).everyCarrier(12));
    assertThat(captured).as("a test's capture is not affected by suppress").hasSize(1);
  }

  @Test
  void anotherCallSiteOrAnotherTypeIsStillReported() throws Exception {
    List<Finding> findings = runEveryCarrierUnder("N_PLUS_ONE@com.example.shipping.Shipments.byId;SELECT_STAR");

    assertThat(findings).filteredOn(finding -> finding.type() == FindingType.N_PLUS_ONE).singleElement()
        .satisfies(finding -> assertThat(finding.callSite()).startsWith("com.example.shipping.Shipments.byCarrier("));
    assertThat(lens.runtime.suppressedProblems()).isZero();
  }
}
