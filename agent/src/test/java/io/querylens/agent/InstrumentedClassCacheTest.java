package io.querylens.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.querylens.internal.Diagnostics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstrumentedClassCacheTest {

  private static final String NAME = "org/h2/jdbc/JdbcStatement";
  private static final byte[] ORIGINAL = {(byte) 0xCA, (byte) 0xFE, 1, 2, 3};
  private static final byte[] INSTRUMENTED = {(byte) 0xCA, (byte) 0xFE, 1, 2, 3, 4, 5};

  @TempDir
  Path temporary;

  private Path agentJar;
  private final ByteArrayOutputStream said = new ByteArrayOutputStream();

  @BeforeEach
  void setUp() throws IOException {
    agentJar = Files.write(temporary.resolve("querylens-agent.jar"), new byte[] {1, 2, 3});
    Diagnostics.reset();
    Diagnostics.redirect(new PrintStream(said, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    Diagnostics.reset();
    Diagnostics.redirect(null);
  }

  private InstrumentedClassCache open() {
    return InstrumentedClassCache.open(temporary.resolve("cache").toString(), agentJar);
  }

  @Test
  void aClassKeptInOneRunIsFoundInTheNext() {
    InstrumentedClassCache first = open();
    assertThat(first.isWarm()).isFalse();
    assertThat(first.find(NAME, 1, ORIGINAL)).isNull();

    first.keep(NAME, 1, ORIGINAL, INSTRUMENTED);
    InstrumentedClassCache next = open();

    assertThat(next.isWarm()).isTrue();
    assertThat(next.find(NAME, 1, ORIGINAL)).containsExactly(INSTRUMENTED);
  }

  @Test
  void anotherOriginalOrAnotherHierarchyIsNotFound() {
    InstrumentedClassCache cache = open();
    cache.keep(NAME, 1, ORIGINAL, INSTRUMENTED);

    assertThat(cache.find(NAME, 1, new byte[] {(byte) 0xCA, (byte) 0xFE, 1, 2, 4})).isNull();
    assertThat(cache.find(NAME, 3, ORIGINAL)).isNull();
    assertThat(cache.find("org/h2/jdbc/JdbcConnection", 1, ORIGINAL)).isNull();
  }

  @Test
  void aDamagedEntryIsNotUsedAndIsWrittenAnew() throws IOException {
    InstrumentedClassCache cache = open();
    cache.keep(NAME, 1, ORIGINAL, INSTRUMENTED);
    Path entry = entries().findFirst().orElseThrow();
    byte[] content = Files.readAllBytes(entry);
    content[content.length - 12] ^= 1; // a byte of the instrumented class file
    Files.write(entry, content);

    assertThat(cache.find(NAME, 1, ORIGINAL)).isNull();
    Files.write(entry, new byte[] {1, 2});
    assertThat(cache.find(NAME, 1, ORIGINAL)).isNull();

    cache.keep(NAME, 1, ORIGINAL, INSTRUMENTED);
    assertThat(cache.find(NAME, 1, ORIGINAL)).containsExactly(INSTRUMENTED);
  }

  @Test
  void itsDirectoriesAreTheOwnersOnlyAndOneOthersMayWriteIsNotUsed() throws IOException {
    InstrumentedClassCache cache = open();
    cache.keep(NAME, 1, ORIGINAL, INSTRUMENTED);
    Path root = temporary.resolve("cache");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root))).isEqualTo("rwx------");

    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThat(open()).isNull();
    assertThat(said.toString(StandardCharsets.UTF_8)).contains("cannot be used").contains("may be written by others");
  }

  @Test
  void noneKeepsNothingAndTheDefaultSaysNothingWhereItCannotWrite() throws IOException {
    assertThat(InstrumentedClassCache.open("none", agentJar)).isNull();

    Path file = Files.write(temporary.resolve("a-file"), new byte[] {1});
    String home = System.getProperty("user.home");
    System.setProperty("user.home", file.toString());
    try {
      // XDG_CACHE_HOME, when the environment sets it, is not under this test's control: only check silence.
      InstrumentedClassCache.open(null, agentJar);
    } finally {
      System.setProperty("user.home", home);
    }
    assertThat(said.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void onlyTheNewestBuildsAreKept() throws IOException {
    Path root = temporary.resolve("cache");
    for (int i = 0; i < 6; i++) {
      Path old = Files.createDirectories(root.resolve("old-build-" + i));
      Files.write(old.resolve("x.class-entry"), new byte[] {1});
      Files.setLastModifiedTime(old, FileTime.fromMillis(1_000_000L * (i + 1)));
    }
    InstrumentedClassCache cache = open();

    cache.pruneOtherBuilds();

    try (Stream<Path> builds = Files.list(root)) {
      assertThat(builds.map(build -> build.getFileName().toString()))
          .hasSize(InstrumentedClassCache.KEPT_BUILDS)
          .contains("old-build-5", "old-build-4", "old-build-3")
          .doesNotContain("old-build-2", "old-build-1", "old-build-0");
    }
  }

  private Stream<Path> entries() throws IOException {
    try (Stream<Path> builds = Files.list(temporary.resolve("cache"))) {
      Path build = builds.findFirst().orElseThrow();
      return Files.list(build).filter(file -> file.toString().endsWith(".class-entry")).toList().stream();
    }
  }
}
