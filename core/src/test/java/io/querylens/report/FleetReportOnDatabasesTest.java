package io.querylens.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.shipping.CarrierDashboard;
import io.querylens.config.Settings;
import io.querylens.testing.PoolLens;
import io.querylens.testing.TestDatabases;
import io.querylens.testing.TestDatabases.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two services' real reports, one run on H2 and one on PostgreSQL, merged into one fleet page: the N+1 both have is
 * one problem naming both, ranked by the time it cost them together (from the shapes files written beside the
 * reports); each service's endpoints and shapes are there.
 */
class FleetReportOnDatabasesTest {

  @TempDir Path directory;

  private final String table = "fleet_" + TestDatabases.uniqueSuffix();

  private Path run(TestDatabase database, String service, int carriers, boolean dashboard) throws Exception {
    Path report = directory.resolve(service).resolve("findings.jsonl");
    try (PoolLens lens = new PoolLens(database, settings -> settings.set(Settings.INDEX_ADVICE, false)
        .set(Settings.REQUEST_MAX_STATEMENTS, 20).set(Settings.REPORT, report.toString()))) {
      CarrierDashboard pages = new CarrierDashboard(lens.shipmentsNamed(table, 2_000));
      PoolLens.request("/carriers", "/carriers", () -> pages.everyCarrier(carriers));
      if (dashboard) {
        PoolLens.request("/carriers/17/dashboard", "/carriers/{carrierId}/dashboard", () -> pages.render(17));
      }
    }
    assertThat(report.resolveSibling("findings.shapes.jsonl")).exists();
    assertThat(report.resolveSibling("findings.endpoints.jsonl")).exists();
    return report;
  }

  @Test
  void twoServicesReportsMergeIntoOneRankedPage() throws Exception {
    Path orders = run(TestDatabase.H2, "orders", 12, true);
    Path billing = run(TestDatabase.POSTGRESQL, "billing", 8, false);
    Path fleet = directory.resolve("fleet.html");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status = FleetReport.run(List.of(orders.toString(), billing.toString(), "-o", fleet.toString()),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("wrote " + fleet + ": 2 sources, 2 distinct problems");
    String html = Files.readString(fleet);
    String ordersName = directory.resolve("orders").resolve("findings").toString();
    String billingName = directory.resolve("billing").resolve("findings").toString();
    assertThat(Pattern.compile(" N_PLUS_ONE</h3>").matcher(html).results().count()).as("one problem").isEqualTo(1);
    assertThat(html).contains("in 2 sources &middot; at <code>com.example.shipping.Shipments.byCarrier(")
        .contains("<b>" + ordersName + "</b> (count 12), <b>" + billingName + "</b> (count 8)")
        .contains("<pre class=\"sql\">select id, note from " + table + " where carrier_id = ?</pre>");
    List<Double> costs = Pattern.compile("<p class=\"meta\">([\\d.,]+) ms of database time").matcher(html).results()
        .map(match -> Double.parseDouble(match.group(1).replace(",", ""))).toList();
    assertThat(costs).as("both problems cost time, the costliest first").hasSize(2)
        .isSortedAccordingTo(java.util.Comparator.reverseOrder());
    assertThat(html).as("sources, endpoints and shapes")
        .contains("<tr><td>" + ordersName + "</td><td class=\"n\">2</td><td class=\"n\">44</td>")
        .contains("<tr><td>" + billingName + "</td><td class=\"n\">1</td><td class=\"n\">8</td>")
        .contains("<td>" + ordersName + "</td><td>GET /carriers/{carrierId}/dashboard</td><td class=\"n\">1</td>"
            + "<td class=\"n\">32</td>")
        .contains("<td>" + billingName + "</td><td>GET /carriers</td><td class=\"n\">1</td><td class=\"n\">8</td>")
        .contains("<tr><td><code>select id, note from " + table + " where carrier_id = ?</code></td><td class=\"n\">2"
            + "</td><td class=\"n\">24</td>");
    assertThat(html).as("self-contained, no values").doesNotContain("http://").doesNotContain("https://")
        .doesNotContain("= 17");
  }

  @Test
  void aHostileLineIsEscapedAndTheFilesBesideAReportNotNamedJsonlAreRead() throws Exception {
    Path log = directory.resolve("findings.log");
    Files.writeString(log, "{\"type\":\"SLOW_QUERY\",\"severity\":\"x\\\"><script>alert(1)</script>\","
        + "\"sql\":\"select 1 from t where a < ?\",\"fingerprint\":\"0000000000000001\",\"count\":1,"
        + "\"callSite\":\"A.b(A.java:1)\",\"message\":\"<img src=x>\",\"suggestion\":\"s\"}\n");
    Files.writeString(directory.resolve("findings.log.shapes.jsonl"),
        "{\"sql\":\"select 1 from t where a < ?\",\"executions\":7,\"totalMs\":70.0,\"p95Ms\":12.0}\n");
    Path fleet = directory.resolve("hostile.html");
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    assertThat(FleetReport.run(List.of(log.toString(), "-o", fleet.toString()), quiet, quiet)).isZero();

    String html = Files.readString(fleet);
    assertThat(html).doesNotContain("<script>alert").doesNotContain("<img src=x>")
        .contains("<article class=\"finding info\">").contains("&lt;img src=x&gt;")
        .contains("70 ms of database time").contains("select 1 from t where a &lt; ?");
  }

  @Test
  void aFileThatCannotBeReadOrBadArgumentsSayWhatIsWrongInOneLine() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    assertThat(FleetReport.run(List.of(), out, errors)).isEqualTo(2);
    assertThat(FleetReport.run(List.of("a.jsonl", "--colour"), out, errors)).isEqualTo(2);
    assertThat(FleetReport.run(List.of(directory.resolve("missing.jsonl").toString()), out, errors)).isEqualTo(1);
    Path odd = directory.resolve("odd.jsonl");
    Files.writeString(odd, "not json\n{\"hello\":1}\n");
    assertThat(FleetReport.run(List.of(odd.toString(), "-o", directory.resolve("odd.html").toString()), out, errors))
        .isZero();

    assertThat(err.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
        "usage: java -jar querylens-agent.jar report <findings.jsonl>... [-o fleet.html]",
        "unknown option --colour; usage: java -jar querylens-agent.jar report <findings.jsonl>... [-o fleet.html]",
        "cannot read " + directory.resolve("missing.jsonl") + " (java.nio.file.NoSuchFileException: "
            + directory.resolve("missing.jsonl") + ")",
        "skipped 2 lines of " + odd + " that are not querylens findings, endpoints or shapes");
    assertThat(Files.readString(directory.resolve("odd.html"))).contains("No problems found.");
  }
}
