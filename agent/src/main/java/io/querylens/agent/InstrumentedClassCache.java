package io.querylens.agent;

import io.querylens.internal.Diagnostics;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.jar.JarFile;
import java.util.zip.CRC32;

/**
 * The class files querylens instrumented in earlier runs, kept on disk when {@code instrumentation.cache} names a
 * directory, so that a later start of an application with the same agent build and JVM defines them without building
 * or running Byte Buddy (about 1,000 classes and a few hundred milliseconds of CPU at start).
 *
 * <p>One directory per agent build (told apart by the names, sizes and checksums of the agent jar's entries) and JVM
 * version under the directory set; an entry per instrumented class, named by the class, the JDBC interfaces its
 * hierarchy implements and a checksum and length of its original class file, holding that original (compared in full
 * before an entry is used) and the instrumented class file, with a checksum of both. Entries are written to a
 * temporary file and moved into place, so that a reader never sees half of one. Only instrumented classes are kept: a
 * class Byte Buddy left as it was (or failed on) goes to Byte Buddy again next time.
 *
 * <p>Class files read from here are defined into the application, so the cache is used only where nobody else can
 * change it: on a POSIX file system, the directory set and the build directory owned by the user running the JVM
 * (compared by user id), not symbolic links, writable by nobody else, and every directory above them owned by that user
 * or root and writable by nobody else (or sticky, as {@code /tmp} is). Directories querylens creates are its user's
 * only. Bounded: at most {@link #MAX_ENTRIES} entries and {@link #MAX_BYTES} bytes per build directory, entries of at
 * most {@link #MAX_ENTRY_BYTES}, and the {@link #KEPT_BUILDS} most recently used build directories (older ones, and
 * only directories querylens made there, are removed, and in them only its own files). Problems (a read-only volume,
 * a full disk) are said once, and the instrumentation goes on as it would without the cache.
 */
final class InstrumentedClassCache {

  static final int MAX_ENTRIES = 2_000;
  static final long MAX_BYTES = 64L << 20;
  static final int MAX_ENTRY_BYTES = 1 << 20;
  static final int KEPT_BUILDS = 4;
  private static final int MAGIC = 0x514c4331; // "QLC1"
  private static final String SUFFIX = ".class-entry";
  /** The file that marks a build directory as querylens': only directories holding it are ever pruned. */
  private static final String MARKER = "querylens-build";
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
  private static final int GROUP_OR_OTHERS_WRITE = 0022;
  private static final int STICKY = 01000;

  private final Path directory;
  private final boolean warm;
  private final AtomicInteger entries;
  private final AtomicLong bytes;
  private final AtomicBoolean toldProblem = new AtomicBoolean();
  private volatile boolean writable = true;

  private InstrumentedClassCache(Path directory, int entries, long bytes) {
    this.directory = directory;
    this.warm = entries > 0;
    this.entries = new AtomicInteger(entries);
    this.bytes = new AtomicLong(bytes);
  }

  /**
   * The cache for this agent build and JVM, or null when there is none (said in one line when the directory set
   * cannot be used).
   *
   * @param setting {@code instrumentation.cache}: a directory, or null or {@code none}
   * @param agentJar where the agent jar is (asked only when a directory is set)
   */
  static InstrumentedClassCache open(String setting, Supplier<Path> agentJar) {
    if (setting == null || setting.equalsIgnoreCase("none")) {
      return null;
    }
    try {
      Path root = Path.of(setting).toAbsolutePath().normalize();
      Path directory = root.resolve(buildName(agentJar.get()));
      createDirectory(root);
      createDirectory(directory);
      int user = userId(directory);
      checkTrusted(root, user);
      checkTrusted(directory, user);
      for (Path parent = root.getParent(); parent != null; parent = parent.getParent()) {
        checkParent(parent, user);
      }
      try {
        if (!Files.exists(directory.resolve(MARKER), LinkOption.NOFOLLOW_LINKS)) {
          Files.write(directory.resolve(MARKER), new byte[0]);
        }
        Files.setLastModifiedTime(directory, FileTime.fromMillis(System.currentTimeMillis()));
      } catch (IOException readOnly) {
        // a cache filled beforehand on a read-only volume is read as it is
      }
      int count = 0;
      long size = 0;
      try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
        for (Path file : files) {
          String name = file.getFileName().toString();
          try {
            if (name.endsWith(SUFFIX)) {
              long entrySize = Files.size(file);
              count++;
              size += entrySize;
            } else if (name.startsWith("entry-") && name.endsWith(".tmp")
                && Files.getLastModifiedTime(file).toMillis() < System.currentTimeMillis() - 3_600_000L) {
              Files.deleteIfExists(file); // left by a JVM that stopped while writing
            }
          } catch (NoSuchFileException gone) {
            // moved into place or removed by another JVM since the listing
          }
        }
      }
      return new InstrumentedClassCache(directory, count, size);
    } catch (IOException | RuntimeException | LinkageError unusable) {
      Diagnostics.say("the instrumentation cache " + setting + " cannot be used (" + unusable
          + "); instrumenting without it");
      return null;
    }
  }

  /** The directory of this agent build on this JVM: its version, a checksum of its jar's entries, the JVM's version. */
  static String buildName(Path agentJar) throws IOException {
    CRC32 entries = new CRC32();
    try (JarFile jar = new JarFile(agentJar.toFile())) {
      jar.stream().forEach(entry -> {
        entries.update(entry.getName().getBytes(StandardCharsets.UTF_8));
        entries.update(ByteBuffer.allocate(16).putLong(entry.getCrc()).putLong(entry.getSize()).array());
      });
    }
    String version = String.valueOf(InstrumentedClassCache.class.getPackage().getImplementationVersion());
    return safe(version) + "-" + Long.toHexString(entries.getValue()) + "-"
        + safe(System.getProperty("java.vm.version"));
  }

  private static String safe(String text) {
    return String.valueOf(text).replaceAll("[^A-Za-z0-9._+-]", "_");
  }

  private static void createDirectory(Path directory) throws IOException {
    if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    }
  }

  /**
   * The user id this JVM runs as: the owner of {@code /proc/self} on Linux, else of a file it creates in
   * {@code directory}.
   */
  private static int userId(Path directory) throws IOException {
    Path self = Path.of("/proc/self");
    if (Files.isDirectory(self)) {
      return (Integer) Files.getAttribute(self, "unix:uid");
    }
    Path probe = Files.createTempFile(directory, "entry-", ".tmp");
    try {
      return (Integer) Files.getAttribute(probe, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  private static void checkTrusted(Path directory, int user) throws IOException {
    if (Files.isSymbolicLink(directory)) {
      throw new IOException(directory + " is a symbolic link");
    }
    int owner = (Integer) Files.getAttribute(directory, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) Files.getAttribute(directory, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    if (owner != user) {
      throw new IOException(directory + " belongs to user " + owner + ", not to " + user);
    }
    if ((mode & GROUP_OR_OTHERS_WRITE) != 0) {
      throw new IOException(directory + " may be written by others");
    }
  }

  /** A directory above the cache: nobody but the user or root may rename what is in it. */
  private static void checkParent(Path parent, int user) throws IOException {
    int owner = (Integer) Files.getAttribute(parent, "unix:uid");
    int mode = (Integer) Files.getAttribute(parent, "unix:mode");
    if (owner != user && owner != 0) {
      throw new IOException(parent + " belongs to user " + owner);
    }
    if ((mode & GROUP_OR_OTHERS_WRITE) != 0 && (mode & STICKY) == 0) {
      throw new IOException(parent + " may be written by others");
    }
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
    long size = 20L + classFile.length + instrumented.length;
    if (!writable || instrumented == null || size > MAX_ENTRY_BYTES || entries.incrementAndGet() > MAX_ENTRIES
        || bytes.addAndGet(size) > MAX_BYTES) {
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
      if (toldProblem.compareAndSet(false, true)) {
        Diagnostics.say("cannot write to the instrumentation cache " + directory + " (" + failed
            + "); instrumenting without keeping classes");
      }
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
          // removed by a later start once it is an hour old
        }
      }
    }
  }

  /**
   * Removes all but the {@link #KEPT_BUILDS} most recently used build directories beside this one: only directories
   * querylens made (holding its marker file, not symbolic links), and in them only its own files.
   */
  void pruneOtherBuilds() {
    List<Path> builds = new ArrayList<>();
    try (DirectoryStream<Path> siblings = Files.newDirectoryStream(directory.getParent())) {
      for (Path sibling : siblings) {
        if (!sibling.equals(directory) && Files.isDirectory(sibling, LinkOption.NOFOLLOW_LINKS)
            && Files.isRegularFile(sibling.resolve(MARKER), LinkOption.NOFOLLOW_LINKS)) {
          builds.add(sibling);
        }
      }
      builds.sort(Comparator.comparing((Path build) -> {
        try {
          return Files.getLastModifiedTime(build, LinkOption.NOFOLLOW_LINKS).toMillis();
        } catch (IOException gone) {
          return 0L;
        }
      }).reversed());
      for (Path old : builds.subList(Math.min(builds.size(), KEPT_BUILDS - 1), builds.size())) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(old)) {
          for (Path file : files) {
            String name = file.getFileName().toString();
            if (name.endsWith(SUFFIX) || name.equals(MARKER) || name.startsWith("entry-") && name.endsWith(".tmp")) {
              Files.deleteIfExists(file);
            }
          }
        }
        Files.deleteIfExists(old); // fails, and stays, if anything else is in it
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
