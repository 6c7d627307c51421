package io.querylens.agent;

import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import java.util.Set;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;

/**
 * Passes a class to Byte Buddy only if its class file can hold something querylens instruments: it names a type in
 * {@code java/sql/}, or it is one of the few classes instrumented by name (servlets, SLF4J's logger factory). Every
 * other class (nine in ten on a Spring Boot service) is declined after one scan of its bytes, without Byte Buddy
 * parsing it or reading its supertypes' class files.
 *
 * <p>Why this loses nothing: a class that declares any JDBC method querylens advises names a {@code java/sql/} type in
 * its own constant pool: it implements a JDBC interface directly, or its method signatures return or throw JDBC types
 * ({@code ResultSet}, {@code SQLException}, ...). A subclass that declares none of those methods inherits them from a
 * superclass that does, and that superclass is instrumented when it loads. The one shape missed is an override that
 * neither throws nor returns a JDBC type nor calls its superclass (a {@code close()} in a language without checked
 * exceptions, say); querylens then learns of that close from the garbage collector instead.
 */
final class JdbcClassPrefilter extends ResettableClassFileTransformer.WithDelegation {

  private static final byte[] JAVA_SQL = "java/sql/".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final Set<String> namedTargets;

  /**
   * @param delegate Byte Buddy's transformer
   * @param namedTargets internal names ({@code a/b/C}) of classes instrumented by name
   */
  JdbcClassPrefilter(ResettableClassFileTransformer delegate, Set<String> namedTargets) {
    super(delegate);
    this.namedTargets = Set.copyOf(namedTargets);
  }

  @Override
  public byte[] transform(
      ClassLoader loader, String internalName, Class<?> classBeingRedefined, ProtectionDomain protectionDomain,
      byte[] classFile) throws IllegalClassFormatException {
    return worthALook(internalName, classFile)
        ? classFileTransformer.transform(loader, internalName, classBeingRedefined, protectionDomain, classFile)
        : null;
  }

  @Override
  public byte[] transform(
      Module module, ClassLoader loader, String internalName, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] classFile) throws IllegalClassFormatException {
    return worthALook(internalName, classFile)
        ? classFileTransformer.transform(module, loader, internalName, classBeingRedefined, protectionDomain, classFile)
        : null;
  }

  boolean worthALook(String internalName, byte[] classFile) {
    return classFile == null || (internalName != null && namedTargets.contains(internalName))
        || contains(classFile, JAVA_SQL);
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
