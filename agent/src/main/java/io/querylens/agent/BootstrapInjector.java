package io.querylens.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * called by {@link BootstrapDefiner} from a throwaway class loader: the instrumentation exports
 * {@code jdk.internal.misc} to that loader's module only, so neither querylens' other classes nor the application's
 * see the JDK differently (libraries such as Netty probe for that package). Appending a jar to the bootstrap class
 * path would work too, but makes the JVM turn off class data sharing for application classes (slower start) and print
 * a warning into the application's output on JDK 17, so it is only the fallback. {@code sun.misc.Unsafe} is not used:
 * JDK 24 and later print warnings for it.
 *
 * <p>In the agent jar the bridge lives in {@code io.querylens.agent.bootstrap} (relocated from core's
 * {@code io.querylens.bootstrap}), a package no application ships: a web application's own copy of querylens-core
 * cannot shadow it.
 */
final class BootstrapInjector {

  /**
   * Where the bridge's class files are. Spelled as core's package: the agent jar's build relocates it (and this
   * string) to {@code io/querylens/agent/bootstrap/}. Never refer to the bridge's classes here: loading one before it
   * is defined in the bootstrap loader would leave a second copy in the system loader.
   */
  static final String BRIDGE_PACKAGE = "io/querylens/bootstrap/";

  private BootstrapInjector() {}

  static void appendBridge(Instrumentation instrumentation) throws IOException {
    Path agentJar = QueryLensAgent.agentJar();
    Map<String, byte[]> classes = bridgeClasses(agentJar);
    try {
      defineInBootstrapLoader(instrumentation, classes);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError refused) {
      appendJar(instrumentation, classes);
    }
  }

  private static void defineInBootstrapLoader(Instrumentation instrumentation, Map<String, byte[]> classes)
      throws ReflectiveOperationException, IOException {
    String definerName = BootstrapDefiner.class.getName();
    byte[] definerBytes;
    try (InputStream in = BootstrapInjector.class.getResourceAsStream(
        "/" + definerName.replace('.', '/') + ".class")) {
      if (in == null) {
        throw new IOException("no class file for " + definerName);
      }
      definerBytes = in.readAllBytes();
    }
    DefinerLoader loader = new DefinerLoader(BootstrapInjector.class.getClassLoader());
    Class<?> definer = loader.define(definerName, definerBytes);
    instrumentation.redefineModule(Object.class.getModule(), Set.of(),
        Map.of("jdk.internal.misc", Set.of(loader.getUnnamedModule())), Map.of(), Set.of(), Map.of());
    definer.getMethod("define", Map.class).invoke(null, classes);
  }

  /** The throwaway loader {@link BootstrapDefiner} runs in; nothing else is ever loaded by it. */
  private static final class DefinerLoader extends ClassLoader {
    DefinerLoader(ClassLoader parent) {
      super("querylens-bootstrap-definer", parent);
    }

    Class<?> define(String name, byte[] bytes) {
      return defineClass(name, bytes, 0, bytes.length);
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
