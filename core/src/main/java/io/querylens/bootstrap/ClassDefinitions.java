package io.querylens.bootstrap;

import java.nio.ByteBuffer;
import java.security.ProtectionDomain;
import java.util.Objects;

/**
 * Sees the class files that class loaders define through {@code ClassLoader.defineClass}, through calls the agent adds
 * at the start of its {@code byte[]} and {@code ByteBuffer} forms, and may replace them: how the agent instruments the
 * JDBC classes without a class file transformer that the JVM would hand every class it loads. Lives beside
 * {@link Hooks} in the bootstrap class loader, so that {@code java.base} can call it.
 */
public final class ClassDefinitions {

  /** What the agent does with a class file about to be defined. */
  public interface Listener {
    /**
     * Whether a class of this loader and name may be replaced at all: asked first, before the class file is looked
     * at (or, for a buffer, copied).
     *
     * @param name the class's binary name, or null if the caller of {@code defineClass} gave none
     */
    boolean mayReplace(ClassLoader loader, String name);

    /** @return the class file to define instead (exactly its bytes), or null to define the given one */
    byte[] replacement(ClassLoader loader, String name, byte[] classFile, ProtectionDomain domain);
  }

  private static volatile Listener listener;

  private ClassDefinitions() {}

  /** Installs the listener for every class defined from now on; only once (false if one was installed already). */
  public static synchronized boolean install(Listener newListener) {
    if (listener != null || newListener == null) {
      return false;
    }
    listener = newListener;
    return true;
  }

  /** For tests: no listener. */
  static synchronized void uninstall() {
    listener = null;
  }

  /**
   * Called first in {@code defineClass(String, byte[], int, int, ProtectionDomain)}: the class file to define, which
   * is {@code classFile} itself unless the listener replaced it. Never throws: it runs inside the application's class
   * loading (an offset and length out of the array's bounds are left to {@code defineClass} to refuse).
   */
  public static byte[] bytes(ClassLoader loader, String name, byte[] classFile, int offset, int length,
      ProtectionDomain domain) {
    Listener current = listener;
    if (current == null || classFile == null) {
      return classFile;
    }
    try {
      if (!current.mayReplace(loader, name)) {
        return classFile;
      }
      Objects.checkFromIndexSize(offset, length, classFile.length);
      byte[] exact = offset == 0 && length == classFile.length ? classFile
          : java.util.Arrays.copyOfRange(classFile, offset, offset + length);
      byte[] replaced = current.replacement(loader, name, exact, domain);
      return replaced == null ? classFile : replaced;
    } catch (Throwable unchanged) {
      return classFile;
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
   * the JDK defines a heap buffer's class through the {@code byte[]} form, which {@link #bytes} sees. A replacement is
   * a direct buffer too, so that the JDK does not pass it to the {@code byte[]} form (and the listener) again.
   */
  public static ByteBuffer buffer(ClassLoader loader, String name, ByteBuffer classFile, ProtectionDomain domain) {
    Listener current = listener;
    if (current == null || classFile == null || !classFile.isDirect()) {
      return classFile;
    }
    try {
      if (!current.mayReplace(loader, name)) {
        return classFile;
      }
      byte[] copy = new byte[classFile.remaining()];
      classFile.duplicate().get(copy);
      byte[] replaced = current.replacement(loader, name, copy, domain);
      return replaced == null ? classFile : ByteBuffer.allocateDirect(replaced.length).put(replaced).flip();
    } catch (Throwable unchanged) {
      return classFile;
    }
  }
}
