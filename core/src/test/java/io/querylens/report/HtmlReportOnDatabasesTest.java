package io.querylens.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.shipping.CarrierDashboard;
import com.example.shipping.Shipments;
import io.querylens.config.Settings;
import io.querylens.telemetry.QueryLensJmx;
import io.querylens.telemetry.QueryLensMXBean;
import io.querylens.testing.PoolLens;
import io.querylens.testing.TestDatabases.TestDatabase;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.JMX;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTML report of a real run, on real databases: written on demand (the API and the MXBean operation) and at
 * shutdown (html=), with the run's findings most costly first, its statement shapes escaped, its endpoints and pool,
 * and no bind value anywhere.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.querylens.testing.TestDatabases#all")
class HtmlReportOnDatabasesTest {

  @Parameter TestDatabase database;

  @TempDir Path directory;

  private PoolLens lens;

  @AfterEach
  void close() throws Exception {
    if (lens != null) {
      lens.close();
    }
  }

  @Test
  void theRunsFindingsShapesEndpointsAndSettingsAreOnOnePage() throws Exception {
    Path atShutdown = directory.resolve("run.html");
    lens = new PoolLens(database, settings -> settings.set(Settings.INDEX_ADVICE, false)
        .set(Settings.REQUEST_MAX_STATEMENTS, 20).set(Settings.HTML, atShutdown.toString()));
    Shipments shipments = lens.shipments("html", 5_000);
    CarrierDashboard dashboard = new CarrierDashboard(shipments);
    PoolLens.request("/carriers/17/dashboard", "/carriers/{carrierId}/dashboard", () -> dashboard.render(17));
    PoolLens.request("/carriers", "/carriers", () -> dashboard.everyCarrier(12));

    long deadline = System.nanoTime() + 10_000_000_000L;
    while (lens.runtime.recorder().connections().pools().get(0).timeline().points().isEmpty()
        && System.nanoTime() < deadline) {
      Thread.sleep(20); // the worker adds a point to the pool's timeline every 100 ms or so
    }

    Path onDemand = directory.resolve("now.html");
    assertThat(lens.runtime.writeHtmlReport(onDemand)).isTrue();
    String html = Files.readString(onDemand);

    assertThat(html).startsWith("<!DOCTYPE html>").contains("44 statements in ")
        .contains(" CHATTY_REQUEST</h3>").contains(" N_PLUS_ONE</h3>")
        .contains("<code>select id, shipped_at from " + shipments.table()
            + " where carrier_id = ? order by shipped_at desc limit ?</code>")
        .contains("where id &gt; ? order by id limit ?").doesNotContain("where id > ?")
        .contains("<td>GET /carriers/{carrierId}/dashboard</td><td class=\"n\">1</td><td class=\"n\">32</td>")
        .contains("<code>html</code></td><td>" + atShutdown + "</td>");
    assertThat(html).as("charts: the slowest finding's latencies, statements per request, the pool over time")
        .contains("<figcaption>How long its ").contains("<svg class=\"spark\"")
        .contains("<title>32 statements: 1 request</title>").contains("<title>12 statements: 1 request</title>")
        .contains("<svg class=\"chart timeline\"").containsPattern("<title>0 s to 1 s: 1 in use, [01] waiting</title>");
    assertThat(html).as("a shape's rows (sampled: here all four executions) and the endpoints that ran it")
        .contains(" where carrier_id = ? order by shipped_at desc limit ?</code></td>")
        .containsPattern("<td class=\"n\">5.0</td><td class=\"n\">5</td><td>GET /carriers/\\{carrierId}/dashboard "
            + "<span class=\"default\">1</span></td>")
        .containsPattern("<td>(GET /carriers/\\{carrierId}/dashboard|GET /carriers) <span class=\"default\">1</span>"
            + "<br>(GET /carriers/\\{carrierId}/dashboard|GET /carriers) <span class=\"default\">1</span></td>");
    assertThat(html).as("no bind value").doesNotContain("note 17").doesNotContain("= 17");
    assertThat(html).as("self-contained").doesNotContain("http://").doesNotContain("https://");

    QueryLensMXBean bean = JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(),
        new ObjectName(QueryLensJmx.OBJECT_NAME), QueryLensMXBean.class);
    assertThat(bean.writeHtmlReport(directory.resolve("jmx.html").toString())).isTrue();
    assertThat(Files.readString(directory.resolve("jmx.html"))).contains(" CHATTY_REQUEST</h3>");

    lens.close();
    lens = null;
    assertThat(Files.readString(atShutdown)).contains(" N_PLUS_ONE</h3>").contains(" CHATTY_REQUEST</h3>");
  }
}
