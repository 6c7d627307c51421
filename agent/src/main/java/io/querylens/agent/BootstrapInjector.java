package io.querylens.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Puts {@code io.querylens.bootstrap} (the hooks advice calls) into the bootstrap class loader.
 *
 * <p>Advice is inlined into JDBC and servlet classes of every class loader, so the one class it calls must be visible
 * from all of them: only the bootstrap loader is. Only the bridge goes there, not the whole agent: the bootstrap loader
 * cannot see {@code java.sql}, and the rest of querylens needs it.
 *
 * <p>The classes are defined directly in the bootstrap loader with {@code jdk.internal.misc.Unsafe.defineClass},
 * which the instrumentation opens to querylens alone. Appending a jar to the bootstrap class path would work too, but
 * makes the JVM turn off class data sharing for application classes (slower start) and print a warning into the
 * application's output on JDK 17, so it is only the fallback. {@code sun.misc.Unsafe} is not used: JDK 24 and later
 * print warnings for it.
 */
final class BootstrapInjector {

  static final String BRIDGE_PACKAGE = "io/querylens/bootstrap/";

  private BootstrapInjector() {}

  static void appendBridge(Instrumentation instrumentation) throws IOException, URISyntaxException {
    Path agentJar = Path.of(QueryLensAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Map<String, byte[]> classes = bridgeClasses(agentJar);
    try {
      defineInBootstrapLoader(instrumentation, classes);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError refused) {
      appendJar(instrumentation, classes);
    }
  }

  private static void defineInBootstrapLoader(Instrumentation instrumentation, Map<String, byte[]> classes)
      throws ReflectiveOperationException {
    Module javaBase = Object.class.getModule();
    Module querylens = BootstrapInjector.class.getModule();
    instrumentation.redefineModule(javaBase, Set.of(), Map.of("jdk.internal.misc", Set.of(querylens)), Map.of(),
        Set.of(), Map.of());
    Class<?> unsafeType = Class.forName("jdk.internal.misc.Unsafe");
    Object unsafe = unsafeType.getMethod("getUnsafe").invoke(null);
    Method defineClass = unsafeType.getMethod("defineClass", String.class, byte[].class, int.class, int.class,
        ClassLoader.class, ProtectionDomain.class);
    for (Map.Entry<String, byte[]> bridgeClass : classes.entrySet()) {
      byte[] bytes = bridgeClass.getValue();
      defineClass.invoke(unsafe, bridgeClass.getKey(), bytes, 0, bytes.length, null, null);
    }
  }

  private static Map<String, byte[]> bridgeClasses(Path agentJar) throws IOException {
    Map<String, byte[]> classes = new LinkedHashMap<>();
    try (JarFile source = new JarFile(agentJar.toFile())) {
      Enumeration<JarEntry> entries = source.entries();
      while (entries.hasMoreElements()) {
        JarEntry entry = entries.nextElement();
        String name = entry.getName();
        if (name.startsWith(BRIDGE_PACKAGE) && name.endsWith(".class")) {
          try (InputStream in = source.getInputStream(entry)) {
            classes.put(name.substring(0, name.length() - ".class".length()).replace('/', '.'), in.readAllBytes());
          }
        }
      }
    }
    if (classes.isEmpty()) {
      throw new IOException("the agent jar " + agentJar + " holds no " + BRIDGE_PACKAGE + " classes");
    }
    return classes;
  }

  private static void appendJar(Instrumentation instrumentation, Map<String, byte[]> classes) throws IOException {
    Path bridgeJar = Files.createTempFile("querylens-bootstrap-", ".jar");
    bridgeJar.toFile().deleteOnExit();
    try (JarOutputStream target = new JarOutputStream(Files.newOutputStream(bridgeJar))) {
      for (Map.Entry<String, byte[]> bridgeClass : classes.entrySet()) {
        target.putNextEntry(new JarEntry(bridgeClass.getKey().replace('.', '/') + ".class"));
        target.write(bridgeClass.getValue());
        target.closeEntry();
      }
    }
    instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(bridgeJar.toFile()));
  }
}
