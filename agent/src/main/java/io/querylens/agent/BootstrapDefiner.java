package io.querylens.agent;

import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.Map;

/**
 * Defines classes in the bootstrap class loader with {@code jdk.internal.misc.Unsafe}. Loaded by a throwaway class
 * loader of its own ({@link BootstrapInjector}), because only that loader's module is given access to
 * {@code jdk.internal.misc}: the application's code never gains it. Uses {@code java.base} types only.
 */
public final class BootstrapDefiner {

  private BootstrapDefiner() {}

  /** Defines {@code classes} (binary name to class file) in the bootstrap class loader. */
  public static void define(Map<String, byte[]> classes) throws ReflectiveOperationException {
    Class<?> unsafeType = Class.forName("jdk.internal.misc.Unsafe");
    Object unsafe = unsafeType.getMethod("getUnsafe").invoke(null);
    Method defineClass = unsafeType.getMethod("defineClass", String.class, byte[].class, int.class, int.class,
        ClassLoader.class, ProtectionDomain.class);
    for (Map.Entry<String, byte[]> type : classes.entrySet()) {
      byte[] bytes = type.getValue();
      defineClass.invoke(unsafe, type.getKey(), bytes, 0, bytes.length, null, null);
    }
  }
}
