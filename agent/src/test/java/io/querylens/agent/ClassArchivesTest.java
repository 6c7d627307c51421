package io.querylens.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
  void argumentFilesAreReadAndOneThatCannotBeCountsAsAnArchive(@TempDir Path directory) throws IOException {
    Path classpath = Files.writeString(directory.resolve("jib-classpath-file"), "/app/libs/*:/app/classes");
    Path options = Files.writeString(directory.resolve("jvm.options"), "-Xmx1g\n-XX:SharedArchiveFile=/cds/app.jsa\n");

    assertThat(ClassArchives.mayLoadApplicationClasses(List.of("-cp", "@" + classpath, "com.example.Main"),
        Map.of())).isFalse();
    assertThat(ClassArchives.mayLoadApplicationClasses(List.of("@" + options, "-jar", "app.jar"), Map.of()))
        .isTrue();
    assertThat(ClassArchives.mayLoadApplicationClasses(List.of("-jar", "app.jar"),
        Map.of("JDK_JAVA_OPTIONS", "-Xmx1g @" + options))).isTrue();
    assertThat(ClassArchives.mayLoadApplicationClasses(List.of("@" + directory.resolve("missing"), "-jar", "app.jar"),
        Map.of())).isTrue();
  }

  @Test
  void optionsFilesCountAsAnArchive() {
    assertThat(ClassArchives.mayLoadApplicationClasses(List.of("-XX:VMOptionsFile=vm.options", "-jar", "app.jar"),
        Map.of())).isTrue();
    assertThat(ClassArchives.mayLoadApplicationClasses(List.of("-XX:Flags=.hotspotrc", "-jar", "app.jar"),
        Map.of())).isTrue();
  }
}
