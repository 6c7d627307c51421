package io.querylens.agent;

import io.querylens.internal.Diagnostics;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.utility.JavaModule;

/**
 * Which of the JDBC interfaces a type implements, remembered per class loader by type name, so that each supertype's
 * class file is read once per loader rather than once per loaded subclass and per matcher.
 *
 * <p>Byte Buddy's {@code hasSuperType} walks the whole hierarchy of every class the JVM loads, reading each supertype's
 * class file through its class loader, once for each type matcher. On a Spring Boot service (about 17,000 classes,
 * nested jars) that walk added seconds to start-up. Here a class costs one look at its own class file plus one map
 * lookup per direct supertype; {@code java.*} types are answered from a fixed table.
 *
 * <p>The memory is bounded: a loader's table is cleared when it exceeds {@link #MAX_TYPES_PER_LOADER} names (the walk
 * then starts afresh, correct but slower), and loaders are held weakly.
 */
final class JdbcSupertypes {

  static final int STATEMENT = 1;
  static final int PREPARED_STATEMENT = 2;
  static final int CONNECTION = 4;
  static final int DATA_SOURCE = 8;
  static final int DRIVER = 16;

  static final int MAX_TYPES_PER_LOADER = 200_000;
  private static final int MAX_DEPTH = 64;

  private static final Map<ClassLoader, Map<String, Integer>> BY_LOADER = new WeakHashMap<>();
  private static final Map<String, Integer> NO_LOADER = new ConcurrentHashMap<>();

  private JdbcSupertypes() {}

  /** Concrete classes (not interfaces) implementing any of {@code interfaces}, a mask of the constants above. */
  static AgentBuilder.RawMatcher implementing(int interfaces) {
    return new Implementing(interfaces);
  }

  /** Set in a mask computed from a hierarchy with a supertype that could not be read: not to be remembered. */
  private static final int INCOMPLETE = 1 << 30;

  /** The mask of JDBC interfaces {@code type} implements, as seen from {@code loader}. */
  static int of(TypeDefinition type, ClassLoader loader) {
    return of(type, table(loader), 0) & ~INCOMPLETE;
  }

  private static int of(TypeDefinition type, Map<String, Integer> table, int depth) {
    String name = type.asErasure().getName();
    Integer known = known(name, table, depth);
    if (known != null) {
      return known;
    }
    int mask = 0;
    try {
      TypeDescription.Generic superClass = type.getSuperClass();
      if (superClass != null) {
        mask |= of(superClass, table, depth + 1);
      }
      for (TypeDescription.Generic implemented : type.getInterfaces()) {
        mask |= of(implemented, table, depth + 1);
      }
    } catch (RuntimeException unresolvable) {
      // A supertype without a class file (generated at run time, or missing): the JVM decides whether the class can
      // load at all; here it counts as implementing nothing, and neither this type nor its subtypes are remembered,
      // so a later load may try again.
      return mask | INCOMPLETE;
    }
    return remember(table, name, mask);
  }

  /**
   * The mask of JDBC interfaces the class with {@code header} implements, its supertypes read from their class files
   * through {@code loader} without Byte Buddy; -1 when one of them could not be read (then let Byte Buddy decide).
   */
  static int of(ClassHeader header, ClassLoader loader) {
    Map<String, Integer> table = table(loader);
    int mask = header.superName() == null ? 0 : ofClassFile(header.superName(), loader, table, 1);
    for (String implemented : header.interfaces()) {
      mask |= ofClassFile(implemented, loader, table, 1);
    }
    return (mask & INCOMPLETE) != 0 ? -1 : mask;
  }

  private static int ofClassFile(String name, ClassLoader loader, Map<String, Integer> table, int depth) {
    Integer known = known(name, table, depth);
    if (known != null) {
      return known;
    }
    ClassHeader header;
    try (java.io.InputStream in = loader.getResourceAsStream(name.replace('.', '/') + ".class")) {
      if (in == null) {
        return INCOMPLETE;
      }
      header = ClassHeader.read(in.readAllBytes());
    } catch (java.io.IOException | RuntimeException unreadable) {
      return INCOMPLETE;
    }
    int mask = header.superName() == null ? 0 : ofClassFile(header.superName(), loader, table, depth + 1);
    for (String implemented : header.interfaces()) {
      mask |= ofClassFile(implemented, loader, table, depth + 1);
    }
    return remember(table, name, mask);
  }

  /** The mask of a JDK type, or one remembered, or INCOMPLETE past the depth limit; null when it must be worked out. */
  private static Integer known(String name, Map<String, Integer> table, int depth) {
    if (name.startsWith("java.") || name.startsWith("javax.sql.")) {
      return ofJdk(name);
    }
    Integer known = table.get(name);
    if (known != null) {
      return known;
    }
    return depth > MAX_DEPTH ? INCOMPLETE : null;
  }

  /** Keeps a complete mask for {@code name}; an incomplete one is returned, not kept (a later load may try again). */
  private static int remember(Map<String, Integer> table, String name, int mask) {
    if ((mask & INCOMPLETE) != 0) {
      return mask;
    }
    if (table.size() >= MAX_TYPES_PER_LOADER) {
      table.clear();
      Diagnostics.dropped("supertype cache", "more than " + MAX_TYPES_PER_LOADER + " types in one class loader;"
          + " the cache starts afresh");
    }
    table.put(name, mask);
    return mask;
  }

  /**
   * No class in {@code java.*} or {@code javax.sql.*} implements a JDBC interface other than the interfaces
   * themselves ({@code XADataSource} and {@code ConnectionPoolDataSource} do not extend {@code DataSource}).
   */
  private static int ofJdk(String name) {
    switch (name) {
      case "java.sql.Statement":
        return STATEMENT;
      case "java.sql.PreparedStatement":
      case "java.sql.CallableStatement":
        return STATEMENT | PREPARED_STATEMENT;
      case "java.sql.Connection":
        return CONNECTION;
      case "javax.sql.DataSource":
        return DATA_SOURCE;
      case "java.sql.Driver":
        return DRIVER;
      default:
        return 0;
    }
  }

  private static Map<String, Integer> table(ClassLoader loader) {
    if (loader == null) {
      return NO_LOADER;
    }
    synchronized (BY_LOADER) {
      return BY_LOADER.computeIfAbsent(loader, ignored -> new ConcurrentHashMap<>());
    }
  }

  /** Forgets everything (tests). */
  static void clear() {
    synchronized (BY_LOADER) {
      BY_LOADER.clear();
    }
    NO_LOADER.clear();
  }

  private static final class Implementing implements AgentBuilder.RawMatcher {
    private final int interfaces;

    Implementing(int interfaces) {
      this.interfaces = interfaces;
    }

    @Override
    public boolean matches(
        TypeDescription type, ClassLoader loader, JavaModule module, Class<?> classBeingRedefined,
        ProtectionDomain protectionDomain) {
      return !type.isInterface() && (of(type, loader) & interfaces) != 0;
    }
  }
}
