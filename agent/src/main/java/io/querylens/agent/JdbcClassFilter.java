package io.querylens.agent;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Whether a class file can hold something querylens instruments: it names a type in {@code java/sql/}, or it is one of
 * the few classes instrumented by name (servlets, SLF4J's logger factory). Every other class (nine in ten on a Spring
 * Boot service) is declined after one scan of its bytes, without Byte Buddy parsing it or reading its supertypes'
 * class files. Uses nothing of Byte Buddy, so that it can run before Byte Buddy is loaded.
 *
 * <p>Why this loses nothing: a class that declares any JDBC method querylens advises names a {@code java/sql/} type in
 * its own constant pool: it implements a JDBC interface directly, or its method signatures return or throw JDBC types
 * ({@code ResultSet}, {@code SQLException}, ...). A subclass that declares none of those methods inherits them from a
 * superclass that does, and that superclass is instrumented when it loads. The one shape missed is an override that
 * neither throws nor returns a JDBC type nor calls its superclass (a {@code close()} in a language without checked
 * exceptions, say); querylens then learns of that close from the garbage collector instead.
 */
final class JdbcClassFilter {

  private static final byte[] JAVA_SQL = "java/sql/".getBytes(StandardCharsets.US_ASCII);

  private final Set<String> namedTargets;

  /** @param namedTargets internal names ({@code a/b/C}) of classes instrumented by name */
  JdbcClassFilter(Set<String> namedTargets) {
    this.namedTargets = Set.copyOf(namedTargets);
  }

  boolean worthALook(String internalName, byte[] classFile) {
    return classFile == null || (internalName != null && namedTargets.contains(internalName))
        || contains(classFile, JAVA_SQL);
  }

  /** Whether {@code internalName} is one of the classes instrumented by name. */
  boolean isNamedTarget(String internalName) {
    return namedTargets.contains(internalName);
  }

  static boolean contains(byte[] haystack, byte[] needle) {
    byte first = needle[0];
    int last = haystack.length - needle.length;
    outer:
    for (int i = 0; i <= last; i++) {
      if (haystack[i] != first) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
