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
    agentJar = temporary.resolve("querylens-agent.jar");
    try (var jar = new java.util.jar.JarOutputStream(Files.newOutputStream(agentJar))) {
      jar.putNextEntry(new java.util.jar.JarEntry("io/querylens/agent/Some.class"));
      jar.write(new byte[] {1, 2, 3});
      jar.closeEntry();
    }
    Diagnostics.reset();
    Diagnostics.redirect(new PrintStream(said, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    Diagnostics.reset();
    Diagnostics.redirect(null);
  }

  private InstrumentedClassCache open() {
    return InstrumentedClassCache.open(temporary.resolve("cache").toString(), () -> agentJar);
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
  void filesGoneBetweenTheListingAndTheirLookAreSkipped() throws IOException {
    open().keep(NAME, 1, ORIGINAL, INSTRUMENTED);
    // Links to nothing stand for a temporary file another JVM moved into place, and an entry removed, after the listing.
    Files.createSymbolicLink(onlyBuild().resolve("entry-123.tmp"), temporary.resolve("moved"));
    Files.createSymbolicLink(onlyBuild().resolve("x-1-2-3.class-entry"), temporary.resolve("removed"));

    InstrumentedClassCache next = open();

    assertThat(next).isNotNull();
    assertThat(next.find(NAME, 1, ORIGINAL)).containsExactly(INSTRUMENTED);
    assertThat(said.toString(StandardCharsets.UTF_8)).isEmpty();
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
    Path build = onlyBuild();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(build))).isEqualTo("rwx------");

    Files.setPosixFilePermissions(build, PosixFilePermissions.fromString("rwxrwx---"));
    assertThat(open()).isNull();
    Files.setPosixFilePermissions(build, PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThat(open()).isNull();

    assertThat(said.toString(StandardCharsets.UTF_8)).contains("cannot be used").contains("may be written by others");
  }

  @Test
  void aDirectoryAboveThatOthersMayWriteMakesItUnusableUnlessSticky() throws IOException {
    Path shared = Files.createDirectories(temporary.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    String below = shared.resolve("cache").toString();

    assertThat(InstrumentedClassCache.open(below, () -> agentJar)).isNull();
    assertThat(said.toString(StandardCharsets.UTF_8)).contains(shared + " may be written by others");

    // /tmp-like: others may write, but not rename what is not theirs
    Files.setAttribute(shared, "unix:mode", 01777);
    assertThat(InstrumentedClassCache.open(below, () -> agentJar)).isNotNull();
  }

  @Test
  void aSymbolicLinkIsNotUsed() throws IOException {
    Path real = Files.createDirectories(temporary.resolve("real"));
    Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwx------"));
    Path link = Files.createSymbolicLink(temporary.resolve("link"), real);

    assertThat(InstrumentedClassCache.open(link.toString(), () -> agentJar)).isNull();
    assertThat(said.toString(StandardCharsets.UTF_8)).contains("is a symbolic link");
  }

  @Test
  void noneOrNothingKeepsNothing() {
    assertThat(InstrumentedClassCache.open("none", () -> agentJar)).isNull();
    assertThat(InstrumentedClassCache.open("NONE", () -> agentJar)).isNull();
    assertThat(InstrumentedClassCache.open(null, () -> agentJar)).isNull();
    assertThat(said.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void anotherAgentBuildGetsAnotherDirectory() throws IOException {
    String first = InstrumentedClassCache.buildName(agentJar);
    try (var jar = new java.util.jar.JarOutputStream(Files.newOutputStream(agentJar))) {
      jar.putNextEntry(new java.util.jar.JarEntry("io/querylens/agent/Some.class"));
      jar.write(new byte[] {1, 2, 4}); // same size, same name, other content
      jar.closeEntry();
    }
    Files.setLastModifiedTime(agentJar, FileTime.fromMillis(1_000));

    assertThat(InstrumentedClassCache.buildName(agentJar)).isNotEqualTo(first);
  }

  @Test
  void onlyTheNewestOfItsOwnBuildsAreRemovedAndOnlyItsOwnFiles() throws IOException {
    Path root = temporary.resolve("cache");
    for (int i = 0; i < 6; i++) {
      Path old = Files.createDirectories(root.resolve("old-build-" + i));
      Files.write(old.resolve("x.class-entry"), new byte[] {1});
      Files.write(old.resolve("querylens-build"), new byte[0]);
      Files.setLastModifiedTime(old, FileTime.fromMillis(1_000_000L * (i + 1)));
    }
    Path notOurs = Files.createDirectories(root.resolve("photos"));
    Files.write(notOurs.resolve("x.class-entry"), new byte[] {1});
    Files.setLastModifiedTime(notOurs, FileTime.fromMillis(1));
    Path mixed = root.resolve("old-build-0");
    Files.write(mixed.resolve("notes.txt"), new byte[] {1});
    Files.setLastModifiedTime(mixed, FileTime.fromMillis(1_000_000L));
    InstrumentedClassCache cache = open();

    cache.pruneOtherBuilds();

    try (Stream<Path> builds = Files.list(root)) {
      assertThat(builds.map(build -> build.getFileName().toString()))
          .contains("old-build-5", "old-build-4", "old-build-3", "photos", "old-build-0")
          .doesNotContain("old-build-2", "old-build-1");
    }
    assertThat(notOurs.resolve("x.class-entry")).exists();
    assertThat(mixed.resolve("notes.txt")).exists();
    assertThat(mixed.resolve("x.class-entry")).doesNotExist();
  }

  private Path onlyBuild() throws IOException {
    try (Stream<Path> builds = Files.list(temporary.resolve("cache"))) {
      return builds.findFirst().orElseThrow();
    }
  }

  private Stream<Path> entries() throws IOException {
    try (Stream<Path> builds = Files.list(temporary.resolve("cache"))) {
      Path build = builds.findFirst().orElseThrow();
      return Files.list(build).filter(file -> file.toString().endsWith(".class-entry")).toList().stream();
    }
  }
}
