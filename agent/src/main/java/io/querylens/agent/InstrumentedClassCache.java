package io.querylens.agent;

import io.querylens.internal.Diagnostics;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * The class files querylens instrumented in earlier runs, kept on disk, so that a later start of an application with
 * the same agent build and JVM defines them without building or running Byte Buddy (about 1,000 classes and half a
 * second of CPU at start).
 *
 * <p>One directory per agent build and JVM version under the cache root; an entry per instrumented class, named by the
 * class, the JDBC interfaces its hierarchy implements and a checksum and length of its original class file, holding
 * that original (compared in full before an entry is used) and the instrumented class file, with a checksum of both.
 * Entries are written to a temporary file and moved into place, so that a reader never sees half of one. Only
 * instrumented classes are kept: a class Byte Buddy left as it was (or failed on) goes to Byte Buddy again next time.
 *
 * <p>Class files read from here are defined into the application, so the cache is used only where nobody else can
 * write: directories querylens creates are its user's only, and a root or build directory that is not owned by the
 * user running the JVM, or that others may write to, is not used. Bounded: at most {@link #MAX_ENTRIES} entries per
 * build directory, and the {@link #KEPT_BUILDS} most recently used build directories (older ones are removed).
 * Problems (a read-only home, a full disk) leave the instrumentation as it was without the cache; they are said once
 * when the directory was set ({@code instrumentation.cache}), and silently otherwise.
 */
final class InstrumentedClassCache {

  static final int MAX_ENTRIES = 2_000;
  static final int KEPT_BUILDS = 4;
  private static final int MAGIC = 0x514c4331; // "QLC1"
  private static final String SUFFIX = ".class-entry";
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

  private final Path directory;
  private final boolean configured;
  private final boolean warm;
  private final AtomicInteger entries;
  private final AtomicBoolean toldProblem = new AtomicBoolean();
  private volatile boolean writable = true;

  private InstrumentedClassCache(Path directory, boolean configured, int entries) {
    this.directory = directory;
    this.configured = configured;
    this.warm = entries > 0;
    this.entries = new AtomicInteger(entries);
  }

  /**
   * The cache for this agent build and JVM, or null when there is none.
   *
   * @param setting {@code instrumentation.cache}: a directory, {@code none}, or null for the default
   * @param agentJar the agent jar, whose size and time stamp tell builds apart
   */
  static InstrumentedClassCache open(String setting, Path agentJar) {
    if ("none".equals(setting)) {
      return null;
    }
    boolean configured = setting != null;
    try {
      Path root = configured ? Path.of(setting) : defaultRoot();
      if (root == null) {
        return null;
      }
      Path directory = root.resolve(buildName(agentJar));
      createOwnedDirectory(root);
      createOwnedDirectory(directory);
      Files.setLastModifiedTime(directory, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
      return new InstrumentedClassCache(directory, configured, countEntries(directory));
    } catch (IOException | RuntimeException unusable) {
      if (configured) {
        Diagnostics.say("the instrumentation cache " + setting + " cannot be used (" + unusable
            + "); instrumenting without it");
      }
      return null;
    }
  }

  /** {@code $XDG_CACHE_HOME/querylens/classes}, else {@code ~/.cache/querylens/classes}; null without a home. */
  private static Path defaultRoot() {
    String cacheHome = System.getenv("XDG_CACHE_HOME");
    if (cacheHome != null && !cacheHome.isBlank()) {
      return Path.of(cacheHome, "querylens", "classes");
    }
    String home = System.getProperty("user.home");
    return home == null || home.isBlank() || home.equals("?") ? null : Path.of(home, ".cache", "querylens", "classes");
  }

  /** The directory of this agent build on this JVM. */
  static String buildName(Path agentJar) throws IOException {
    String version = String.valueOf(InstrumentedClassCache.class.getPackage().getImplementationVersion());
    return safe(version) + "-" + Long.toHexString(Files.size(agentJar)) + "-"
        + Long.toHexString(Files.getLastModifiedTime(agentJar).toMillis()) + "-" + safe(System.getProperty("java.vm.version"));
  }

  private static String safe(String text) {
    return String.valueOf(text).replaceAll("[^A-Za-z0-9._+-]", "_");
  }

  private static void createOwnedDirectory(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      boolean posix = Files.getFileAttributeView(existing(directory), PosixFileAttributeView.class) != null;
      FileAttribute<?>[] ownerOnly = posix
          ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)} : new FileAttribute<?>[0];
      Files.createDirectories(directory, ownerOnly);
    }
    String user = System.getProperty("user.name");
    String owner = Files.getOwner(directory).getName();
    if (user != null && !owner.equals(user)) {
      throw new IOException(directory + " belongs to " + owner + ", not " + user);
    }
    PosixFileAttributeView view = Files.getFileAttributeView(directory, PosixFileAttributeView.class);
    if (view != null) {
      Set<PosixFilePermission> permissions = view.readAttributes().permissions();
      if (permissions.contains(PosixFilePermission.GROUP_WRITE)
          || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
        throw new IOException(directory + " may be written by others");
      }
    }
  }

  /** The nearest existing ancestor of {@code path}. */
  private static Path existing(Path path) {
    Path at = path.toAbsolutePath();
    while (at != null && !Files.exists(at)) {
      at = at.getParent();
    }
    return at == null ? path.toAbsolutePath().getRoot() : at;
  }

  private static int countEntries(Path directory) throws IOException {
    int count = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
      for (Path ignored : files) {
        if (++count >= MAX_ENTRIES) {
          break;
        }
      }
    }
    return count;
  }

  /** Whether earlier runs left entries here: then Byte Buddy is built only when a class is not found. */
  boolean isWarm() {
    return warm;
  }

  /**
   * The instrumented class file kept for {@code classFile}, or null.
   *
   * @param jdbcInterfaces the JDBC interfaces the class's hierarchy implements, as seen from its class loader
   */
  byte[] find(String internalName, int jdbcInterfaces, byte[] classFile) {
    Path entry = directory.resolve(entryName(internalName, jdbcInterfaces, classFile));
    try {
      if (!Files.isRegularFile(entry)) {
        return null;
      }
      ByteBuffer content = ByteBuffer.wrap(Files.readAllBytes(entry));
      if (content.remaining() < 20 || content.getInt() != MAGIC) {
        return null;
      }
      int originalLength = content.getInt();
      if (originalLength != classFile.length || content.remaining() < originalLength + 12) {
        return null;
      }
      int originalAt = content.position();
      if (!Arrays.equals(content.array(), originalAt, originalAt + originalLength, classFile, 0, classFile.length)) {
        return null;
      }
      content.position(originalAt + originalLength);
      int instrumentedLength = content.getInt();
      if (instrumentedLength <= 0 || content.remaining() != instrumentedLength + 8) {
        return null;
      }
      byte[] instrumented = new byte[instrumentedLength];
      content.get(instrumented);
      CRC32 checksum = new CRC32();
      checksum.update(content.array(), 0, content.position());
      return content.getLong() == checksum.getValue() ? instrumented : null;
    } catch (IOException | RuntimeException unreadable) {
      return null; // instrumented again, and the entry written anew
    }
  }

  /** Keeps {@code instrumented} as what {@code classFile} becomes, if there is room. */
  void keep(String internalName, int jdbcInterfaces, byte[] classFile, byte[] instrumented) {
    if (!writable || instrumented == null || entries.incrementAndGet() > MAX_ENTRIES) {
      return;
    }
    Path temporary = null;
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(classFile.length + instrumented.length + 20);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(MAGIC);
      out.writeInt(classFile.length);
      out.write(classFile);
      out.writeInt(instrumented.length);
      out.write(instrumented);
      CRC32 checksum = new CRC32();
      checksum.update(bytes.toByteArray());
      out.writeLong(checksum.getValue());
      temporary = Files.createTempFile(directory, "entry-", ".tmp");
      Files.write(temporary, bytes.toByteArray());
      Files.move(temporary, directory.resolve(entryName(internalName, jdbcInterfaces, classFile)),
          StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException failed) {
      writable = false;
      if (configured && toldProblem.compareAndSet(false, true)) {
        Diagnostics.say("cannot write to the instrumentation cache " + directory + " (" + failed
            + "); instrumenting without keeping classes");
      }
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
          // left for the next prune
        }
      }
    }
  }

  /** Removes all but the {@link #KEPT_BUILDS} most recently changed build directories beside this one. */
  void pruneOtherBuilds() {
    List<Path> builds = new ArrayList<>();
    try (DirectoryStream<Path> siblings = Files.newDirectoryStream(directory.getParent(), Files::isDirectory)) {
      siblings.forEach(builds::add);
      builds.remove(directory);
      builds.sort(Comparator.comparing((Path build) -> {
        try {
          return Files.getLastModifiedTime(build).toMillis();
        } catch (IOException gone) {
          return 0L;
        }
      }).reversed());
      for (Path old : builds.subList(Math.min(builds.size(), KEPT_BUILDS - 1), builds.size())) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(old)) {
          for (Path file : files) {
            Files.deleteIfExists(file);
          }
        }
        Files.deleteIfExists(old);
      }
    } catch (IOException | RuntimeException ignored) {
      // tried again at the next start
    }
  }

  /** {@code a.b.C-<interfaces>-<crc>-<length>.class-entry}; a long class name by its hash instead. */
  static String entryName(String internalName, int jdbcInterfaces, byte[] classFile) {
    CRC32 checksum = new CRC32();
    checksum.update(classFile);
    String name = internalName.replace('/', '.');
    if (name.length() > 160) {
      name = "long-" + Integer.toHexString(name.hashCode()) + "-" + name.length();
    }
    return safe(name) + "-" + jdbcInterfaces + "-" + Long.toHexString(checksum.getValue()) + "-" + classFile.length
        + SUFFIX;
  }
}
