package io.querylens.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClassArchivesTest {

  @Test
  void aPlainCommandLineLoadsNoApplicationClassesFromAnArchive() {
    assertThat(ClassArchives.mayLoadApplicationClasses(
        List.of("-Xmx1g", "-Xshare:auto", "-javaagent:querylens-agent.jar", "-jar", "app.jar"), Map.of())).isFalse();
  }

  @Test
  void anArchiveOrAotCacheOnTheCommandLineMay() {
    assertThat(ClassArchives.mayLoadApplicationClasses(List.of("-XX:SharedArchiveFile=app.jsa", "-jar", "app.jar"),
        Map.of())).isTrue();
    assertThat(ClassArchives.mayLoadApplicationClasses(List.of("-XX:AOTCache=app.aot", "-jar", "app.jar"),
        Map.of())).isTrue();
    assertThat(ClassArchives.mayLoadApplicationClasses(List.of("-XX:+AutoCreateSharedArchive", "-jar", "app.jar"),
        Map.of())).isTrue();
  }

  @Test
  void soDoesOneInTheEnvironmentVariablesTheJvmReadsOptionsFrom() {
    assertThat(ClassArchives.mayLoadApplicationClasses(List.of("-jar", "app.jar"),
        Map.of("JAVA_TOOL_OPTIONS", "-Xmx1g -XX:SharedArchiveFile=/cds/app.jsa"))).isTrue();
    assertThat(ClassArchives.mayLoadApplicationClasses(List.of("-jar", "app.jar"),
        Map.of("JDK_JAVA_OPTIONS", "-XX:AOTCache=app.aot"))).isTrue();
    assertThat(ClassArchives.mayLoadApplicationClasses(List.of("-jar", "app.jar"),
        Map.of("PATH", "/usr/bin", "JAVA_TOOL_OPTIONS", "-Xmx1g"))).isFalse();
  }

  @Test
  void optionsThatCannotBeSeenFromHereCountAsAnArchive() {
    assertThat(ClassArchives.mayLoadApplicationClasses(List.of("@jvm.options", "-jar", "app.jar"), Map.of()))
        .isTrue();
    assertThat(ClassArchives.mayLoadApplicationClasses(List.of("-XX:VMOptionsFile=vm.options", "-jar", "app.jar"),
        Map.of())).isTrue();
  }
}
