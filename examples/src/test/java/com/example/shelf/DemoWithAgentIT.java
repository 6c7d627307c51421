package com.example.shelf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The README's demo, as users run it: the Spring Boot fat jar with {@code -javaagent:}. Findings must arrive in Spring
 * Boot's own log (its Logback, its format), through its launched class loader, and in the JSON Lines report.
 */
class DemoWithAgentIT {

  static Stream<Arguments> jdks() {
    List<Arguments> jdks = new ArrayList<>();
    for (String home : System.getProperty("querylens.it.jdks", System.getProperty("java.home")).split(";")) {
      Path java = Path.of(home.trim(), "bin", "java");
      if (!home.isBlank() && Files.isExecutable(java)) {
        jdks.add(Arguments.of(Named.of(Path.of(home).getFileName().toString(), java)));
      }
    }
    return jdks.stream().distinct();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void reportsTheSeededNPlusOneSlowQueryAndMissingIndexInSpringBootsLog(Path java) throws Exception {
    Path fatJar = Path.of(System.getProperty("querylens.example.jar"));
    try (JarFile jar = new JarFile(fatJar.toFile())) {
      Attributes manifest = jar.getManifest().getMainAttributes();
      assertThat(manifest.getValue("Main-Class")).as("Spring Boot's launcher starts it")
          .startsWith("org.springframework.boot.loader.");
      assertThat(manifest.getValue("Start-Class")).isEqualTo("com.example.shelf.ShelfApplication");
      assertThat(jar.getEntry("BOOT-INF/classes/com/example/shelf/AuthorController.class"))
          .as("the application's classes are nested in the fat jar, loaded by Spring Boot's class loader").isNotNull();
      assertThat(jar.stream().map(JarEntry::getName)).as("its libraries are nested jars")
          .anyMatch(name -> name.startsWith("BOOT-INF/lib/spring-boot-") && name.endsWith(".jar"));
    }
    Path directory = Files.createTempDirectory("querylens-demo-");
    Path report = directory.resolve("findings.jsonl");
    Path out = directory.resolve("out.txt");
    Process demo = new ProcessBuilder(java.toString(),
        "-javaagent:" + Path.of(System.getProperty("querylens.agent.jar")).toAbsolutePath()
            + "=report=" + report + ",slow.threshold.ms=50",
        "-jar", fatJar.toAbsolutePath().toString())
        .directory(directory.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertThat(demo.waitFor(3, TimeUnit.MINUTES)).as("the demo ends by itself").isTrue();
    String log = Files.readString(out);
    assertThat(demo.exitValue()).as(log).isZero();

    List<String> findings = Files.readAllLines(report);
    assertThat(findings).as(log).anySatisfy(line -> assertThat(line)
        .contains("\"type\":\"N_PLUS_ONE\"")
        .contains("\"tables\":[\"books\"]")
        .contains("\"columns\":[\"author_id\"]")
        .contains("\"callSite\":\"com.example.shelf.AuthorController.")
        .contains("\"count\":50")
        .contains("\"unit\":\"request GET /authors\""));
    assertThat(findings).as(log).anySatisfy(line -> assertThat(line)
        .contains("\"type\":\"SLOW_QUERY\"")
        .contains("\"tables\":[\"orders\"]")
        .contains("\"callSite\":\"com.example.shelf.ReportController.topCustomers(ReportController.java:"));
    assertThat(findings).as(log).anySatisfy(line -> assertThat(line)
        .contains("\"type\":\"MISSING_INDEX\"")
        .contains("\"sql\":\"select id, book_id, amount from orders where customer_email = ?\"")
        .contains("\"tables\":[\"orders\"]")
        .contains("\"columns\":[\"customer_email\"]")
        .contains("\"callSite\":\"com.example.shelf.OrderController.ordersOf(OrderController.java:")
        .contains("\"ddl\":\"CREATE INDEX idx_orders_customer_email ON orders (customer_email)\""));
    assertThat(findings.stream().filter(line -> line.contains("MISSING_INDEX"))).as("only the missing one: " + log)
        .hasSize(1);
    assertThat(findings).as("the fixed endpoint reports nothing: " + log)
        .noneMatch(line -> line.contains("left join books"));
    assertThat(findings.stream().filter(line -> line.contains("N_PLUS_ONE"))).as("one finding per problem")
        .hasSize(1);

    assertThat(log).as("findings go through Spring Boot's Logback, in its format")
        .containsPattern("WARN \\d+ --- \\[querylens-example\\] \\[[^\\]]+\\] querylens\\.n-plus-one\\s+: N\\+1: 50 "
            + "executions of \\[select b1_0\\.author_id, b1_0\\.id, b1_0\\.title from books b1_0 where "
            + "b1_0\\.author_id=\\?\\] from com\\.example\\.shelf\\.AuthorController\\.");
    assertThat(findings).as("the overview page is chatty; the N+1 page is its N+1: " + log)
        .filteredOn(line -> line.contains("CHATTY_REQUEST")).singleElement().satisfies(line -> assertThat(line)
            .contains("\"unit\":\"request GET /authors/{authorId}/overview\"")
            .contains("\"count\":52")
            .contains("\"callSite\":\"com.example.shelf.AuthorOverviewController.overview(AuthorOverviewController.java:"));
    assertThat(Files.readAllLines(directory.resolve("findings.endpoints.jsonl"))).as(log)
        .anySatisfy(line -> assertThat(line).startsWith("{\"endpoint\":\"GET /authors/{authorId}/overview\","
            + "\"requests\":1,\"statements\":52,"))
        .anySatisfy(line -> assertThat(line).startsWith("{\"endpoint\":\"GET /authors\",\"requests\":3,"));
    assertThat(log).as("querylens' meters in Spring Boot's Prometheus endpoint")
        .containsPattern("metric querylens_statements_seconds_count\\{kind=\"select\",table=\"books\"\\} \\d+")
        .contains("metric querylens_findings_total{type=\"CHATTY_REQUEST\"} 1.0")
        .contains("metric querylens_endpoint_statements_total{endpoint=\"GET /authors/{authorId}/overview\"} 52.0");
    assertThat(log).contains("Endpoints by database time").contains("GET /authors/{authorId}/overview: 1 request");
    assertThat(log).contains("querylens summary:");
    assertThat(log).doesNotContain("internal error").doesNotContain("WARNING: ");
    System.out.println("[figures] Spring Boot fat jar (" + fatJar.getFileName() + ", -jar) under the agent on "
        + java.getParent().getParent().getFileName() + ": " + findings.size() + " findings in the report, 0 querylens"
        + " errors");
  }
}
