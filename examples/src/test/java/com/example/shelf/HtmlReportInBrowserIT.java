package com.example.shelf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The demo's HTML report, opened in a real browser: headless Chromium loads it from disk, runs its script and lays it
 * out; the rendered page must have run without a script error and show the findings, the DDL and the charts. Also
 * takes the screenshot kept in {@code docs/images/}, and renders the fleet page the agent jar's {@code report} command
 * merges from two services' reports. Skipped when no Chromium is installed, unless
 * {@code QUERYLENS_BROWSER_REQUIRED=true} (CI installs Debian's {@code chromium}).
 */
class HtmlReportInBrowserIT {

  @Test
  void theDemosReportRendersInChromiumWithItsFindingsAndChartsAndNoScriptError() throws Exception {
    Path chromium = chromium();
    Path directory = Files.createTempDirectory("querylens-html-");
    Path html = directory.resolve("report.html");
    Path out = directory.resolve("out.txt");
    Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-javaagent:" + Path.of(System.getProperty("querylens.agent.jar")).toAbsolutePath()
            + "=report=" + directory.resolve("findings.jsonl") + ",html=" + html,
        "-jar", Path.of(System.getProperty("querylens.example.jar")).toAbsolutePath().toString())
        .directory(directory.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertThat(demo.waitFor(3, TimeUnit.MINUTES)).as("the demo ends by itself").isTrue();
    assertThat(demo.exitValue()).as(Files.readString(out)).isZero();
    assertThat(html).exists();

    String dom = browse(chromium, directory, "--dump-dom", html);

    assertThat(dom).as("the script ran to its end without an error")
        .contains("data-ready=\"1\"").doesNotContain("data-errors");
    assertThat(dom).as("the findings, most costly first, with the DDL to copy")
        .contains(" N_PLUS_ONE</h3>").contains(" MISSING_INDEX</h3>").contains(" CHATTY_REQUEST</h3>")
        .contains("<pre class=\"ddl\">CREATE INDEX idx_orders_customer_email ON orders (customer_email)</pre>");
    assertThat(dom).as("charts: latencies of a finding's statement, per shape, statements per request, the pool")
        .contains("<figcaption>How long its ").contains("<svg class=\"spark\"")
        .contains("<title>51 statements: 3 requests</title>").contains("<svg class=\"chart timeline\"");
    assertThat(dom).as("the shapes table: rows and the endpoints that ran each")
        .contains("<td>GET /authors <span class=\"default\">3</span>");

    Path screenshot = Path.of("target", "html-report.png").toAbsolutePath();
    Files.deleteIfExists(screenshot);
    browse(chromium, directory, "--screenshot=" + screenshot, html, "--window-size=1280,2200", "--hide-scrollbars");
    assertThat(screenshot).exists();
    assertThat(Files.size(screenshot)).as("a real picture, not an empty page").isGreaterThan(50_000);

    // The fleet view: the agent jar run as a program merges two services' reports (here the demo's, twice).
    Path second = Files.createDirectories(directory.resolve("second"));
    for (String file : List.of("findings.jsonl", "findings.endpoints.jsonl", "findings.shapes.jsonl")) {
      Files.copy(directory.resolve(file), second.resolve(file));
    }
    Path fleet = directory.resolve("fleet.html");
    Path merged = directory.resolve("report-out.txt");
    Process report = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        Path.of(System.getProperty("querylens.agent.jar")).toAbsolutePath().toString(), "report",
        "findings.jsonl", "second/findings.jsonl", "-o", fleet.toString())
        .directory(directory.toFile()).redirectErrorStream(true).redirectOutput(merged.toFile()).start();
    assertThat(report.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(report.exitValue()).as(Files.readString(merged)).isZero();
    assertThat(Files.readString(merged)).startsWith("wrote " + fleet + ": 2 sources, ");

    String fleetDom = browse(chromium, directory, "--dump-dom", fleet);
    assertThat(fleetDom).contains("data-ready=\"1\"").doesNotContain("data-errors")
        .contains(" N_PLUS_ONE</h3>").contains("in 2 sources")
        .contains("<b>findings</b> (count 50), <b>second/findings</b> (count 50)")
        .contains("<pre class=\"ddl\">CREATE INDEX idx_orders_customer_email ON orders (customer_email)</pre>")
        .contains("<td>second/findings</td><td>GET /authors</td>");
  }

  /** Runs headless Chromium on {@code page} and returns what it printed. */
  private static String browse(Path chromium, Path directory, String what, Path page, String... more)
      throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--user-data-dir=" + directory.resolve("chromium-profile"), what));
    command.addAll(List.of(more));
    command.add(page.toUri().toString());
    Path printed = directory.resolve("chromium-out.txt");
    Process browser = new ProcessBuilder(command).redirectOutput(printed.toFile())
        .redirectError(directory.resolve("chromium-err.txt").toFile()).start();
    assertThat(browser.waitFor(2, TimeUnit.MINUTES)).as("Chromium ends").isTrue();
    assertThat(browser.exitValue()).as(Files.readString(directory.resolve("chromium-err.txt"))).isZero();
    return Files.readString(printed);
  }

  private static Path chromium() {
    Path found = Stream.of(System.getenv("PATH").split(File.pathSeparator))
        .flatMap(dir -> Stream.of("chromium", "chromium-browser", "google-chrome").map(name -> Path.of(dir, name)))
        .filter(Files::isExecutable).findFirst().orElse(null);
    if (found == null) {
      assertThat(System.getenv("QUERYLENS_BROWSER_REQUIRED")).as("QUERYLENS_BROWSER_REQUIRED=true but no Chromium")
          .isNotEqualToIgnoringCase("true");
      Assumptions.abort("no Chromium on the PATH: the browser check is skipped");
    }
    return found;
  }
}
