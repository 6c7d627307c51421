package io.querylens.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path workingDirectory;

  private static Properties systemProperties(String... keyValues) {
    Properties properties = new Properties();
    properties.setProperty("java.version", "17");
    properties.setProperty("user.dir", "/somewhere");
    for (int i = 0; i < keyValues.length; i += 2) {
      properties.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return properties;
  }

  private Path write(Path file, String... lines) throws Exception {
    Files.createDirectories(file.getParent());
    Files.write(file, List.of(lines));
    return file;
  }

  @Test
  void nothingGivenMeansDefaultsAndNoProblems() {
    QueryLensConfig config = ConfigLoader.load(null, systemProperties(), workingDirectory);

    assertThat(config.problems()).isEmpty();
    for (Setting<?> setting : Settings.ALL) {
      assertThat(config.isSet(setting)).as(setting.key()).isFalse();
      assertThat((Object) config.get(setting)).as(setting.key()).isEqualTo(setting.defaultValue());
    }
    assertThat(config.get(Settings.NPLUSONE_THRESHOLD)).isEqualTo(5);
    assertThat(config.get(Settings.SLOW_THRESHOLD_MS)).isEqualTo(100L);
    assertThat(config.get(Settings.LOG_PARAMETERS)).isFalse();
  }

  @Test
  void fileThenSystemPropertiesThenAgentArgumentsEachWin() throws Exception {
    write(workingDirectory.resolve("querylens.properties"),
        "slow.threshold.ms=300",
        "nplusone.threshold=7",
        "summary=never",
        "querylens.unit.thread.gap.ms=50");

    QueryLensConfig config = ConfigLoader.load("nplusone.threshold=9",
        systemProperties("querylens.slow.threshold.ms", "400", "querylens.nplusone.threshold", "8"),
        workingDirectory);

    assertThat(config.problems()).isEmpty();
    assertThat(config.get(Settings.NPLUSONE_THRESHOLD)).isEqualTo(9);
    assertThat(config.get(Settings.SLOW_THRESHOLD_MS)).isEqualTo(400L);
    assertThat(config.get(Settings.SUMMARY)).isEqualTo(Settings.SummaryMode.NEVER);
    assertThat(config.get(Settings.UNIT_THREAD_GAP_MS)).isEqualTo(50L);
    assertThat(config.isSet(Settings.LOG_PARAMETERS)).isFalse();
  }

  @Test
  void agentArgumentsAreCommaSeparatedAndTrimmed() {
    QueryLensConfig config = ConfigLoader.load(
        " log.parameters = yes , slow.threshold.ms=250,,detectors.disabled=slow-query",
        systemProperties(), workingDirectory);

    assertThat(config.problems()).isEmpty();
    assertThat(config.get(Settings.LOG_PARAMETERS)).isTrue();
    assertThat(config.get(Settings.SLOW_THRESHOLD_MS)).isEqualTo(250L);
    assertThat(config.get(Settings.DETECTORS_DISABLED)).containsExactly("slow-query");
  }

  @Test
  void configNamesTheFileToReadInsteadOfTheWorkingDirectorysOne() throws Exception {
    write(workingDirectory.resolve("querylens.properties"), "nplusone.threshold=7");
    Path elsewhere = write(workingDirectory.resolve("conf/lens.properties"), "nplusone.threshold=11");

    QueryLensConfig fromArguments =
        ConfigLoader.load("config=" + elsewhere, systemProperties(), workingDirectory);
    QueryLensConfig fromProperty =
        ConfigLoader.load(null, systemProperties("querylens.config", elsewhere.toString()), workingDirectory);

    assertThat(fromArguments.get(Settings.NPLUSONE_THRESHOLD)).isEqualTo(11);
    assertThat(fromArguments.problems()).isEmpty();
    assertThat(fromProperty.get(Settings.NPLUSONE_THRESHOLD)).isEqualTo(11);
    assertThat(fromProperty.problems()).isEmpty();
  }

  @Test
  void anUnknownKeyIsOneLineNamingItAndTheKnownKeys() {
    QueryLensConfig config = ConfigLoader.load("nplusone.treshold=3", systemProperties(), workingDirectory);

    assertThat(config.problems()).singleElement().satisfies(line -> assertThat(line)
        .contains("'nplusone.treshold'")
        .contains("the agent arguments")
        .contains("known settings: report, slow.threshold.ms, nplusone.threshold,"));
    assertThat(config.get(Settings.NPLUSONE_THRESHOLD)).isEqualTo(5);
  }

  @Test
  void anUnknownSystemPropertyNamesItsSource() {
    QueryLensConfig config = ConfigLoader.load(null, systemProperties("querylens.colour", "blue"), workingDirectory);

    assertThat(config.problems()).singleElement()
        .satisfies(line -> assertThat(line).contains("'colour'").contains("from -Dquerylens.colour"));
  }

  @Test
  void aBadValueIsOneLineNamingTheKeyAndWhatIsAllowedAndTheDefaultStays() {
    QueryLensConfig config = ConfigLoader.load(
        "nplusone.threshold=lots,slow.threshold.ms=0,log.parameters=maybe,summary=sometimes",
        systemProperties(), workingDirectory);

    assertThat(config.problems()).containsExactlyInAnyOrder(
        "ignoring log.parameters='maybe' from the agent arguments: expected true or false; using the default 'false'",
        "ignoring nplusone.threshold='lots' from the agent arguments: expected a whole number from 2 to 1000000; "
            + "using the default '5'",
        "ignoring slow.threshold.ms='0' from the agent arguments: expected a whole number of milliseconds >= 1; "
            + "using the default '100'",
        "ignoring summary='sometimes' from the agent arguments: expected one of auto, always, never; "
            + "using the default 'auto'");
    assertThat(config.get(Settings.NPLUSONE_THRESHOLD)).isEqualTo(5);
    assertThat(config.get(Settings.SLOW_THRESHOLD_MS)).isEqualTo(100L);
    assertThat(config.get(Settings.LOG_PARAMETERS)).isFalse();
    assertThat(config.get(Settings.SUMMARY)).isEqualTo(Settings.SummaryMode.AUTO);
  }

  @Test
  void aBadValueKeepsAnEarlierSourcesGoodValue() throws Exception {
    write(workingDirectory.resolve("querylens.properties"), "nplusone.threshold=8");

    QueryLensConfig config = ConfigLoader.load("nplusone.threshold=1", systemProperties(), workingDirectory);

    assertThat(config.get(Settings.NPLUSONE_THRESHOLD)).isEqualTo(8);
    assertThat(config.problems()).singleElement().satisfies(line -> assertThat(line)
        .startsWith("ignoring nplusone.threshold='1' from the agent arguments")
        .endsWith("using the value from an earlier source"));
  }

  @Test
  void anArgumentWithoutEqualsIsOneLine() {
    QueryLensConfig config = ConfigLoader.load("verbose,slow.threshold.ms=5", systemProperties(), workingDirectory);

    assertThat(config.problems()).containsExactly("ignoring agent argument 'verbose': expected key=value");
    assertThat(config.get(Settings.SLOW_THRESHOLD_MS)).isEqualTo(5L);
  }

  @Test
  void appPackagesAreSeparatedBySemicolons() throws Exception {
    write(workingDirectory.resolve("querylens.properties"), "app.packages=com.acme.shop; org.example.billing ;;");

    QueryLensConfig config = ConfigLoader.load(null, systemProperties(), workingDirectory);

    assertThat(config.problems()).isEmpty();
    assertThat(config.get(Settings.APP_PACKAGES)).containsExactly("com.acme.shop", "org.example.billing");
  }

  @Test
  void appPackagesInAgentArgumentsToo() {
    QueryLensConfig config =
        ConfigLoader.load("app.packages=com.a;com.b,nplusone.threshold=3", systemProperties(), workingDirectory);

    assertThat(config.get(Settings.APP_PACKAGES)).containsExactly("com.a", "com.b");
    assertThat(config.get(Settings.NPLUSONE_THRESHOLD)).isEqualTo(3);
  }

  @Test
  void aMissingConfigFileIsOneLineAndTheOtherSourcesStillApply() {
    Path missing = workingDirectory.resolve("nope/querylens.properties");

    QueryLensConfig config = ConfigLoader.load("config=" + missing + ",nplusone.threshold=6",
        systemProperties(), workingDirectory);

    assertThat(config.problems()).singleElement().satisfies(line -> assertThat(line)
        .startsWith("cannot read settings file " + missing.toAbsolutePath())
        .endsWith("its settings are ignored"));
    assertThat(config.get(Settings.NPLUSONE_THRESHOLD)).isEqualTo(6);
  }

  @Test
  void aConfigFileThatIsADirectoryIsOneLine() throws Exception {
    Path directory = Files.createDirectories(workingDirectory.resolve("conf.d"));

    QueryLensConfig config = ConfigLoader.load(null,
        systemProperties("querylens.config", directory.toString()), workingDirectory);

    assertThat(config.problems()).singleElement()
        .satisfies(line -> assertThat(line).startsWith("cannot read settings file " + directory.toAbsolutePath()));
    assertThat(config.get(Settings.NPLUSONE_THRESHOLD)).isEqualTo(5);
  }

  @Test
  void noDefaultFileIsNotAProblem() {
    assertThat(ConfigLoader.load("", systemProperties(), workingDirectory.resolve("empty")).problems()).isEmpty();
  }

  @Test
  void otherSystemPropertiesAreIgnored() {
    QueryLensConfig config = ConfigLoader.load(null,
        systemProperties("querylensx.report", "/tmp/x", "report", "/tmp/y"), workingDirectory);

    assertThat(config.problems()).isEmpty();
    assertThat(config.get(Settings.REPORT)).isNull();
  }
}
