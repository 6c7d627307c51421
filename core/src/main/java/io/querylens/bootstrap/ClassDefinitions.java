package io.querylens.bootstrap;

import java.nio.ByteBuffer;
import java.security.ProtectionDomain;

/**
 * Sees the class file of every class a class loader defines, through calls the agent adds at the start of
 * {@code ClassLoader.defineClass}, and may replace it: how the agent instruments the JDBC classes without a class file
 * transformer that the JVM would hand every class it loads. Lives beside {@link Hooks} in the bootstrap class loader,
 * so that {@code java.base} can call it.
 */
public final class ClassDefinitions {

  /** What the agent does with a class file about to be defined. */
  public interface Listener {
    /**
     * @param name the class's binary name, or null if the caller of {@code defineClass} gave none
     * @return the class file to define instead, or null to define it as it is
     */
    byte[] defining(ClassLoader loader, String name, byte[] classFile, int offset, int length,
        ProtectionDomain domain);
  }

  private static volatile Listener listener;

  private ClassDefinitions() {}

  /** Installs the listener for every class defined from now on (null: none). */
  public static void install(Listener newListener) {
    listener = newListener;
  }

  /**
   * Called first in {@code defineClass(String, byte[], int, int, ProtectionDomain)}: the class file to define, which
   * is {@code classFile} itself unless the listener replaced it. Never throws: it runs inside the application's class
   * loading.
   */
  public static byte[] bytes(ClassLoader loader, String name, byte[] classFile, int offset, int length,
      ProtectionDomain domain) {
    Listener current = listener;
    if (current == null || classFile == null) {
      return classFile;
    }
    try {
      byte[] replaced = current.defining(loader, name, classFile, offset, length, domain);
      return replaced == null ? classFile : replaced;
    } catch (Throwable ignored) {
      return classFile; // the listener says what went wrong itself
    }
  }

  /** The offset to define from: the given one, or 0 in a replaced class file. */
  public static int offset(byte[] defined, byte[] given, int offset) {
    return defined == given ? offset : 0;
  }

  /** The length to define: the given one, or all of a replaced class file. */
  public static int length(byte[] defined, byte[] given, int length) {
    return defined == given ? length : defined.length;
  }

  /**
   * Called first in {@code defineClass(String, ByteBuffer, ProtectionDomain)}. Only a direct buffer is looked at here:
   * the JDK defines a heap buffer's class through the {@code byte[]} form, which {@link #bytes} sees.
   */
  public static ByteBuffer buffer(ClassLoader loader, String name, ByteBuffer classFile, ProtectionDomain domain) {
    Listener current = listener;
    if (current == null || classFile == null || !classFile.isDirect()) {
      return classFile;
    }
    try {
      byte[] copy = new byte[classFile.remaining()];
      classFile.duplicate().get(copy);
      byte[] replaced = current.defining(loader, name, copy, 0, copy.length, domain);
      return replaced == null ? classFile : ByteBuffer.wrap(replaced);
    } catch (Throwable ignored) {
      return classFile;
    }
  }
}
