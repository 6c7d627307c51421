package io.querylens.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.internal.Diagnostics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SuppressionsTest {

  private static Finding finding(FindingType type, String callSite, String key) {
    return Finding.builder(type, Severity.WARN, "test").callSite(callSite).problemKey(key).build();
  }

  private final Finding exportNPlusOne = finding(FindingType.N_PLUS_ONE,
      "com.example.report.ExportJob.export(ExportJob.java:42)", "N_PLUS_ONE|select x|export");
  private final Finding feedNPlusOne = finding(FindingType.N_PLUS_ONE,
      "com.example.FeedService.render(FeedService.java:35)", "N_PLUS_ONE|select y|feed");
  private final Finding exportJobsStar = finding(FindingType.SELECT_STAR,
      "com.example.report.ExportJobs.run(ExportJobs.java:7)", "SELECT_STAR|select *|jobs");

  @AfterEach
  void reset() {
    Diagnostics.redirect(System.err);
  }

  @Test
  void aTypeAtACallSiteMatchesThatClassOrMethodOnly() {
    Suppressions byClass = new Suppressions(List.of("N_PLUS_ONE@com.example.report.ExportJob"));
    assertThat(byClass.suppresses(exportNPlusOne)).isTrue();
    assertThat(byClass.suppresses(feedNPlusOne)).isFalse();

    Suppressions byMethod = new Suppressions(List.of("n_plus_one@com.example.report.ExportJob.export"));
    assertThat(byMethod.suppresses(exportNPlusOne)).isTrue();
    assertThat(new Suppressions(List.of("N_PLUS_ONE@com.example.report.ExportJob.exp")).suppresses(exportNPlusOne))
        .as("a prefix ends where a name ends").isFalse();

    Suppressions everyType = new Suppressions(List.of("@com.example.report.ExportJob"));
    assertThat(everyType.suppresses(exportNPlusOne)).isTrue();
    assertThat(everyType.suppresses(exportJobsStar)).as("ExportJobs is another class").isFalse();
    assertThat(new Suppressions(List.of("@com.example.report")).suppresses(exportJobsStar)).as("a package").isTrue();
  }

  @Test
  void aTypeAloneOrAFingerprintMatchesWherever() {
    Suppressions star = new Suppressions(List.of(" SELECT_STAR "));
    assertThat(star.suppresses(exportJobsStar)).isTrue();
    assertThat(star.suppresses(exportNPlusOne)).isFalse();

    Suppressions fingerprint = new Suppressions(List.of(feedNPlusOne.fingerprint().toUpperCase()));
    assertThat(fingerprint.suppresses(feedNPlusOne)).isTrue();
    assertThat(fingerprint.suppresses(exportNPlusOne)).isFalse();
    assertThat(Suppressions.NONE.isEmpty()).isTrue();
    assertThat(Suppressions.NONE.suppresses(feedNPlusOne)).isFalse();
  }

  @Test
  void anEntryItCannotReadIsNamedInOneLineAndIgnored() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Diagnostics.redirect(new PrintStream(err, true, StandardCharsets.UTF_8));

    Suppressions suppressions = new Suppressions(List.of("N_PLUS_ONES", "SELECT_STAR@", "", "SELECT_STAR"));

    assertThat(suppressions.suppresses(exportJobsStar)).isTrue();
    assertThat(suppressions.suppresses(exportNPlusOne)).isFalse();
    assertThat(err.toString(StandardCharsets.UTF_8).lines().toList()).hasSize(2)
        .allSatisfy(line -> assertThat(line).startsWith("[querylens] ignoring suppress entry '"))
        .anySatisfy(line -> assertThat(line).contains("'N_PLUS_ONES'"))
        .anySatisfy(line -> assertThat(line).contains("'SELECT_STAR@'"));
  }
}
