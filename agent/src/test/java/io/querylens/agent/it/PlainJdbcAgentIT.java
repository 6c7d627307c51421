package io.querylens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The agent on a plain JDBC application, in a forked JVM, on every JDK and database available. */
class PlainJdbcAgentIT {

  private static final String APP = "com.example.shop.PlainJdbcApp";

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdksAndDatabases")
  void reportsAPlainJdbcNPlusOneOnceWithTheApplicationsCallSite(Path jdk, String database) throws Exception {
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk).jvm("-Dscenario.db=" + database).run(APP, "nplusone");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    List<String> findings = run.reportLines();
    assertThat(findings).as(run.toString()).hasSize(1);
    String finding = findings.get(0);
    assertThat(finding)
        .contains("\"type\":\"N_PLUS_ONE\"")
        .contains("\"severity\":\"WARN\"")
        .contains("\"sql\":\"select p.id, p.bio from profiles p where p.user_id = ?\"")
        .contains("\"tables\":[\"profiles\"]")
        .contains("\"columns\":[\"user_id\"]")
        .contains("\"callSite\":\"com.example.shop.FeedService.renderWithNPlusOne(FeedService.java:")
        .contains("\"count\":40");
    assertThat(run.stdout()).as(run.toString())
        .contains("WARN querylens.n-plus-one - N+1: 40 executions of [select p.id, p.bio from profiles p where "
            + "p.user_id = ?] from com.example.shop.FeedService.renderWithNPlusOne(FeedService.java:");
  }

  /**
   * The first start instruments the driver with Byte Buddy and keeps the instrumented classes; the second defines them
   * from the cache, builds no Byte Buddy transformer, and finds the same N+1; the third, with one class missing from
   * the cache, builds Byte Buddy for it.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdks")
  void aSecondStartUsesTheInstrumentedClassesTheFirstKept(Path jdk) throws Exception {
    Path cache = java.nio.file.Files.createTempDirectory("querylens-it-cache-").resolve("classes");
    List<Long> byteBuddyClasses = new java.util.ArrayList<>();
    for (int start = 1; start <= 3; start++) {
      if (start == 3) {
        // One class missing: Byte Buddy is built when it is defined, and the class kept again.
        try (java.util.stream.Stream<Path> entries = java.nio.file.Files.walk(cache)) {
          for (Path entry : entries.filter(file -> file.getFileName().toString()
              .startsWith("org.h2.jdbc.JdbcPreparedStatement-")).toList()) {
            java.nio.file.Files.delete(entry);
          }
        }
      }
      Path classLoading = java.nio.file.Files.createTempFile("querylens-it-classes-", ".txt");
      ForkedJvm.Result run = new ForkedJvm.Launch(jdk).agentArguments("instrumentation.cache=" + cache)
          .jvm("-Dscenario.db=h2", "-Xlog:class+load,redefine+class+load:file=" + classLoading)
          .run(APP, "nplusone");

      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(java.nio.file.Files.readString(classLoading)).as("the hook in ClassLoader")
          .contains("redefined name=java.lang.ClassLoader, count=1");
      assertThat(run.reportLines()).as(run.toString()).singleElement().asString()
          .contains("\"type\":\"N_PLUS_ONE\"").contains("\"count\":40");
      try (java.util.stream.Stream<String> loaded = java.nio.file.Files.lines(classLoading)) {
        byteBuddyClasses.add(loaded.filter(line -> line.contains(".shaded.bytebuddy.")).count());
      }
    }

    assertThat(byteBuddyClasses.get(0)).as("Byte Buddy's classes loaded at the first start").isGreaterThan(500);
    assertThat(byteBuddyClasses.get(1)).as("at the second (its ASM reads ClassLoader)").isLessThan(150);
    assertThat(byteBuddyClasses.get(2)).as("at the third, with a class missing").isGreaterThan(500);
    try (java.util.stream.Stream<Path> entries = java.nio.file.Files.walk(cache)) {
      assertThat(entries.map(file -> file.getFileName().toString()))
          .anyMatch(name -> name.startsWith("org.h2.jdbc.JdbcPreparedStatement-"));
    }
  }

  /**
   * With an archive of application classes named on the command line, classes may load without
   * {@code ClassLoader.defineClass}: the agent then looks at every class loaded instead (here the archive does not
   * exist, which the JVM shrugs off; the agent only reads the option).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdks")
  void withAnArchiveOfApplicationClassesTheAgentStillInstrumentsTheDriver(Path jdk) throws Exception {
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk)
        .jvm("-Dscenario.db=h2", "-XX:SharedArchiveFile=" + jdk.resolve("no-such-archive.jsa"),
            "-Xlog:redefine+class+load=info")
        .run(APP, "nplusone");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout()).as("ClassLoader is left alone").doesNotContain("redefined name=java.lang.ClassLoader");
    assertThat(run.reportLines()).as(run.toString()).singleElement().asString()
        .contains("\"type\":\"N_PLUS_ONE\"").contains("\"count\":40");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdksAndDatabases")
  void reportsNothingForTheFixedVersionButTheBanner(Path jdk, String database) throws Exception {
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk).jvm("-Dscenario.db=" + database).run(APP, "fixed");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.reportLines()).as(run.toString()).isEmpty();
    assertThat(run.querylensLines()).as(run.toString()).hasSize(1);
    assertThat(run.querylensLines().get(0)).startsWith("[querylens] querylens ").contains("watching JDBC");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdksAndDatabases")
  void reportsASlowStatementWithItsDuration(Path jdk, String database) throws Exception {
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk).jvm("-Dscenario.db=" + database).run(APP, "slow");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    List<String> findings = run.reportLines();
    assertThat(findings).as(run.toString()).hasSize(1);
    assertThat(findings.get(0)).contains("\"type\":\"SLOW_QUERY\"").contains("\"severity\":\"WARN\"")
        .containsPattern("\"durationMs\":2[5-9][0-9]\\.?[0-9]*")
        .contains("\"callSite\":\"com.example.shop.PlainJdbcApp.slow(PlainJdbcApp.java:");
    assertThat(run.stdout()).containsPattern("WARN querylens.slow-query - Slow query: 2[5-9][0-9] ms for \\[");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdksAndDatabases")
  void reportsAMissingIndexWithTheDdlToRunForADriverManagerConnection(Path jdk, String database) throws Exception {
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk).jvm("-Dscenario.db=" + database).run(APP, "missing-index");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout()).contains("70 LOST").contains("140 LOST").contains("210 LOST");
    List<String> findings = run.reportLines().stream().filter(line -> line.contains("MISSING_INDEX")).toList();
    assertThat(findings).as(run.toString()).hasSize(1);
    boolean postgres = database.startsWith("jdbc:postgresql:");
    assertThat(findings.get(0))
        .contains("\"type\":\"MISSING_INDEX\"")
        .contains("\"sql\":\"select id, status from parcels where tracking_code = ?\"")
        .contains("\"tables\":[\"parcels\"]")
        .contains("\"columns\":[\"tracking_code\"]")
        .contains("\"callSite\":\"com.example.shop.PlainJdbcApp.track(PlainJdbcApp.java:")
        .contains("\"ddl\":\"CREATE INDEX " + (postgres ? "CONCURRENTLY " : "")
            + "idx_parcels_tracking_code ON parcels (tracking_code)\"");
    assertThat(run.stdout()).as(run.toString())
        .contains("WARN querylens.missing-index - Missing index: parcels is read by ");
    assertThat(run.stderr()).as(run.toString()).doesNotContain("internal error").doesNotContain("dropping");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdksAndDatabases")
  void reportsAMissingIndexForAProgramThatQueriesTwiceAndExits(Path jdk, String database) throws Exception {
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk).jvm("-Dscenario.db=" + database).run(APP, "quick-exit");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout()).contains("account 77").contains("account 78");
    List<String> findings = run.reportLines().stream().filter(line -> line.contains("MISSING_INDEX")).toList();
    assertThat(findings).as(run.toString()).singleElement().asString()
        .contains("\"tables\":[\"accounts\"]")
        .contains("\"columns\":[\"email\"]")
        .contains("idx_accounts_email ON accounts (email)");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdksAndDatabases")
  void reportsAnUnboundedResultSetWithTheRowsItReturned(Path jdk, String database) throws Exception {
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk).jvm("-Dscenario.db=" + database).run(APP, "unbounded");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout()).contains("12000 entries exported");
    List<String> findings = run.reportLines().stream().filter(line -> line.contains("UNBOUNDED_RESULT_SET"))
        .toList();
    assertThat(findings).as(run.toString()).singleElement().asString()
        .contains("\"sql\":\"select id, actor from audit_log\"")
        .contains("\"callSite\":\"com.example.shop.PlainJdbcApp.exportAuditLog(PlainJdbcApp.java:")
        .contains("\"count\":12000")
        .contains("\"rows\":12000");
    assertThat(run.stdout()).as(run.toString())
        .contains("WARN querylens.unbounded-result-set - Unbounded result set: [select id, actor from audit_log] "
            + "returned 12,000 rows with no LIMIT");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdksAndDatabases")
  void noSecretValueLeavesThroughAnyOutputUnlessParametersAreShown(Path jdk, String database) throws Exception {
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk).jvm("-Dscenario.db=" + database).run(APP, "secrets");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    String report = String.join("\n", run.reportLines());
    assertThat(report).as(run.toString()).contains("\"N_PLUS_ONE\"", "\"REPEATED_QUERY\"", "\"UNBATCHED_WRITES\"",
        "\"SQL_LINT\"", "\"SLOW_QUERY\"");
    for (String output : List.of(run.stdout(), run.stderr(), report)) {
      assertThat(output).as(run.toString()).doesNotContain("SECRET-");
    }
    System.out.println("[figures] secrets on " + (database.startsWith("jdbc:postgresql") ? "postgresql" : database)
        + ": " + run.reportLines().size() + " findings, "
        + (run.stdout().length() + run.stderr().length() + report.length()) + " characters of output, 0 secrets");

    // The same run with log.parameters=true does show them: the check above can see them when they are there.
    ForkedJvm.Result shown = new ForkedJvm.Launch(jdk).jvm("-Dscenario.db=" + database)
        .agentArguments("log.parameters=true").run(APP, "secrets");
    assertThat(shown.exitCode()).as(shown.toString()).isZero();
    assertThat(String.join("\n", shown.reportLines())).as(shown.toString()).contains("SECRET-");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdksAndDatabases")
  void lintsLiteralsLeadingWildcardsInListSizesAndCrossJoinsAtInfoWithoutTheValues(Path jdk, String database)
      throws Exception {
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk).jvm("-Dscenario.db=" + database).run(APP, "lint");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout()).contains("rows read");
    List<String> findings = run.reportLines().stream().filter(line -> line.contains("\"SQL_LINT\"")).toList();
    assertThat(findings).as(run.toString()).hasSize(4).allSatisfy(line -> assertThat(line)
        .contains("\"severity\":\"INFO\"").doesNotContain("user-2").doesNotContain("%1"));
    assertThat(String.join("\n", findings))
        .contains("\"sql\":\"select id from users where name = ?\"")
        .contains("\"callSite\":\"com.example.shop.PlainJdbcApp.userIdNamed(PlainJdbcApp.java:")
        .contains("\"rule\":\"inline-literals\"")
        .contains("\"callSite\":\"com.example.shop.PlainJdbcApp.searchUsers(PlainJdbcApp.java:")
        .contains("\"rule\":\"leading-wildcard\"")
        .contains("\"listSizes\":\"1, 2, 3, 5\"")
        .contains("\"callSite\":\"com.example.shop.PlainJdbcApp.userWithEveryBio(PlainJdbcApp.java:")
        .contains("\"rule\":\"cross-join\"");
    assertThat(run.stdout()).as(run.toString())
        .contains("INFO querylens.sql-lint - Values written into the SQL: [select id from users where name = ?] from "
            + "com.example.shop.PlainJdbcApp.userIdNamed(PlainJdbcApp.java:");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdksAndDatabases")
  void reportsDeepOffsetPaginationOnceWithTheBoundOffsetAndTheKeysetForm(Path jdk, String database)
      throws Exception {
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk).jvm("-Dscenario.db=" + database).run(APP, "deep-offset");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout()).contains("30 pages");
    List<String> findings = run.reportLines().stream().filter(line -> line.contains("OFFSET_PAGINATION")).toList();
    assertThat(findings).as(run.toString()).hasSize(1);
    assertThat(findings.get(0))
        .contains("\"sql\":\"select id, user_id, happened_at from activity order by happened_at desc, id desc "
            + "limit ? offset ?\"")
        .contains("\"tables\":[\"activity\"]")
        .contains("\"callSite\":\"com.example.shop.PlainJdbcApp.feedPage(PlainJdbcApp.java:")
        .contains("\"offset\":1000")
        .contains("\"keyset\":\"where (happened_at, id) < (?, ?) order by happened_at desc, id desc limit ?\"");
    assertThat(run.stdout()).as(run.toString())
        .contains("WARN querylens.offset-pagination - Deep OFFSET pagination: [select id, user_id, happened_at from "
            + "activity order by happened_at desc, id desc limit ? offset ?] skipped 1,000 rows to read one page");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdksAndDatabases")
  void reportsNothingForAFastStatement(Path jdk, String database) throws Exception {
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk).jvm("-Dscenario.db=" + database).run(APP, "fast");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.reportLines()).as(run.toString()).isEmpty();
    assertThat(run.querylensLines()).as(run.toString()).hasSize(1);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdksAndDatabases")
  void doesNotCallOneQueryPerUnitAcrossManyUnitsAnNPlusOne(Path jdk, String database) throws Exception {
    ForkedJvm.Result run = new ForkedJvm.Launch(jdk).jvm("-Dscenario.db=" + database)
        .run(APP, "repeat-across-units");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.reportLines()).as(run.toString()).isEmpty();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.querylens.agent.it.Scenarios#jdksAndDatabases")
  void leavesResultsAndExceptionsExactlyAsWithoutTheAgent(Path jdk, String database) throws Exception {
    for (String scenario : List.of("nplusone", "error")) {
      ForkedJvm.Result with = new ForkedJvm.Launch(jdk).jvm("-Dscenario.db=" + database).run(APP, scenario);
      ForkedJvm.Result without =
          new ForkedJvm.Launch(jdk).withoutAgent().jvm("-Dscenario.db=" + database).run(APP, scenario);

      assertThat(with.exitCode()).isEqualTo(without.exitCode()).isZero();
      assertThat(with.programOutput()).as(with.toString()).isNotEmpty().isEqualTo(without.programOutput());
    }
  }
}
