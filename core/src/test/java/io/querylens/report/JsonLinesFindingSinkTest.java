package io.querylens.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.internal.Diagnostics;
import io.querylens.testing.MiniJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesFindingSinkTest {

  @TempDir Path directory;
  private final ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();

  @BeforeEach
  void captureDiagnostics() {
    Diagnostics.reset();
    Diagnostics.redirect(new PrintStream(diagnostics, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreDiagnostics() {
    Diagnostics.reset();
    Diagnostics.redirect(null);
  }

  private List<String> diagnosticLines() {
    return diagnostics.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private static Finding.Builder finding(String message) {
    return Finding.builder(FindingType.N_PLUS_ONE, Severity.WARN, "n-plus-one")
        .sql("select c.id from customers c where c.id = ?")
        .tables(List.of("customers"))
        .columns(List.of("id"))
        .callSite("com.example.app.Orders.load(Orders.java:42)")
        .count(12)
        .message(message)
        .suggestion("Load them in one query.")
        .problemKey("N_PLUS_ONE|select 1|x|SCOPE")
        .time(Instant.parse("2024-05-01T10:15:30Z"));
  }

  @Test
  void theContractFieldsComeFirstInOrderThenQuerylensOwn() {
    Finding finding = finding("N+1: 12 executions.")
        .detail("distinctValues", 12L)
        .detail("totalMs", 3.25)
        .detail("unit", "scope checkout")
        .detail("type", "must not replace the contract's type")
        .build();

    assertThat(JsonLinesFindingSink.toJson(finding)).isEqualTo("{"
        + "\"type\":\"N_PLUS_ONE\","
        + "\"severity\":\"WARN\","
        + "\"sql\":\"select c.id from customers c where c.id = ?\","
        + "\"tables\":[\"customers\"],"
        + "\"columns\":[\"id\"],"
        + "\"callSite\":\"com.example.app.Orders.load(Orders.java:42)\","
        + "\"count\":12,"
        + "\"message\":\"N+1: 12 executions.\","
        + "\"suggestion\":\"Load them in one query.\","
        + "\"detector\":\"n-plus-one\","
        + "\"time\":\"2024-05-01T10:15:30Z\","
        + "\"fingerprint\":\"d55b6b2531553ef8\","
        + "\"distinctValues\":12,"
        + "\"totalMs\":3.25,"
        + "\"unit\":\"scope checkout\"}");
  }

  @Test
  void emptyFieldsAreStillPresent() {
    Finding bare = Finding.builder(FindingType.SLOW_QUERY, Severity.ERROR, "slow-query").build();

    Map<String, Object> line = MiniJson.object(JsonLinesFindingSink.toJson(bare));
    assertThat(List.copyOf(line.keySet()).subList(0, 9)).containsExactly(
        "type", "severity", "sql", "tables", "columns", "callSite", "count", "message", "suggestion");
    assertThat(line).containsEntry("sql", "").containsEntry("tables", List.of()).containsEntry("count", 0L);
  }

  @Test
  void stringsAreEscaped() {
    String message = "say \"hi\" \\ then\nnext\r\ttab \u0001\u001f ünï ✓ 😀 \u2028\u2029 lone \uD800x \uDC00";
    Finding finding = finding(message).tables(List.of("we\"ird", "t\nx")).detail("nan", Double.NaN).build();

    String json = JsonLinesFindingSink.toJson(finding);

    assertThat(json).contains("\"message\":\"say \\\"hi\\\" \\\\ then\\nnext\\r\\ttab \\u0001\\u001f ünï ✓ 😀 "
        + "\\u2028\\u2029 lone \\ud800x \\udc00\"");
    assertThat(json).contains("\"tables\":[\"we\\\"ird\",\"t\\nx\"]");
    assertThat(json).contains("\"nan\":null");
    assertThat(json.chars().filter(c -> c < 0x20)).isEmpty();
    Map<String, Object> parsed = MiniJson.object(json);
    assertThat(parsed).containsEntry("message", message).containsEntry("tables", List.of("we\"ird", "t\nx"));
  }

  @Test
  void eachFindingIsOneUtf8LineAppendedAcrossSinks() throws Exception {
    Path report = directory.resolve("reports/findings.jsonl");
    JsonLinesFindingSink first = new JsonLinesFindingSink(report);
    first.accept(finding("one ✓").build());
    JsonLinesFindingSink second = new JsonLinesFindingSink(report);
    second.accept(finding("two\nlines").build());
    first.accept(finding("three").build());
    first.close();
    second.close();
    JsonLinesFindingSink third = new JsonLinesFindingSink(report);
    third.accept(finding("four").build());
    third.close();

    List<String> lines = Files.readAllLines(report, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(4);
    assertThat(lines).extracting(line -> MiniJson.object(line).get("message"))
        .containsExactly("one ✓", "two\nlines", "three", "four");
    assertThat(Files.readString(report)).endsWith("}\n");
    assertThat(diagnosticLines()).isEmpty();
  }

  @Test
  void aNewFileIsReadableByItsOwnerOnly() throws Exception {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    Path report = directory.resolve("findings.jsonl");

    JsonLinesFindingSink sink = new JsonLinesFindingSink(report);
    sink.accept(finding("one").build());
    sink.close();

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(report))).isEqualTo("rw-------");
  }

  @Test
  void anExistingFileKeepsItsContentAndPermissions() throws Exception {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    Path report = directory.resolve("findings.jsonl");
    Files.writeString(report, "{\"earlier\":true}\n");
    Files.setPosixFilePermissions(report, PosixFilePermissions.fromString("rw-r-----"));

    JsonLinesFindingSink sink = new JsonLinesFindingSink(report);
    sink.accept(finding("one").build());
    sink.close();

    assertThat(Files.readAllLines(report)).hasSize(2).first().isEqualTo("{\"earlier\":true}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(report))).isEqualTo("rw-r-----");
  }

  @Test
  void aPathUnderARegularFileIsOneDiagnosticLineAndNoException() throws Exception {
    Path file = Files.writeString(directory.resolve("not-a-directory"), "x");
    Path report = file.resolve("findings.jsonl");

    assertThatCode(() -> {
      JsonLinesFindingSink sink = new JsonLinesFindingSink(report);
      sink.accept(finding("one").build());
      sink.accept(finding("two").build());
      sink.close();
    }).doesNotThrowAnyException();

    assertThat(diagnosticLines()).singleElement().satisfies(line -> assertThat(line)
        .startsWith("[querylens] cannot write the report file " + report.toAbsolutePath())
        .endsWith("findings still go to the log"));
    assertThat(Files.readString(file)).isEqualTo("x");
  }

  @Test
  void aPathThatIsADirectoryIsOneDiagnosticLineAndNoException() throws Exception {
    Path report = Files.createDirectories(directory.resolve("findings.jsonl"));

    assertThatCode(() -> {
      JsonLinesFindingSink sink = new JsonLinesFindingSink(report);
      sink.accept(finding("one").build());
      sink.close();
    }).doesNotThrowAnyException();

    assertThat(diagnosticLines()).singleElement()
        .satisfies(line -> assertThat(line).contains("cannot write the report file"));
  }

  @Test
  void theFingerprintIsStableSixteenHexDigits() {
    assertThat(fingerprint("N_PLUS_ONE|select 1|x|SCOPE")).isEqualTo("d55b6b2531553ef8");
    assertThat(fingerprint("")).matches("[0-9a-f]{16}");
    assertThat(fingerprint("a")).isNotEqualTo(fingerprint("b"));
  }

  private static String fingerprint(String problemKey) {
    return Finding.builder(FindingType.SELECT_STAR, Severity.INFO, "select-star").problemKey(problemKey).build()
        .fingerprint();
  }
}
