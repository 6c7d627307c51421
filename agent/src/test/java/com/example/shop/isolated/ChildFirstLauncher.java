package com.example.shop.isolated;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * Runs {@link IsolatedJob} and the H2 driver in a child-first class loader whose parent is the platform loader, the
 * way isolated plugin or test containers load code: nothing of it comes from the system class loader.
 */
public final class ChildFirstLauncher {

  public static void main(String[] args) throws Exception {
    URL classes = ChildFirstLauncher.class.getProtectionDomain().getCodeSource().getLocation();
    URL h2 = Class.forName("org.h2.Driver").getProtectionDomain().getCodeSource().getLocation();
    try (ChildFirstLoader loader = new ChildFirstLoader(new URL[] {classes, h2})) {
      Class<?> job = loader.loadClass("com.example.shop.isolated.IsolatedJob");
      if (job.getClassLoader() != loader) {
        throw new IllegalStateException("not isolated: " + job.getClassLoader());
      }
      job.getMethod("run").invoke(job.getDeclaredConstructor().newInstance());
    }
    System.out.println("loaded from " + Path.of(h2.toURI()).getFileName());
  }

  /** Looks in its own jars first, then the platform loader; never the application class path. */
  static final class ChildFirstLoader extends URLClassLoader {
    ChildFirstLoader(URL[] urls) {
      super("child-first", urls, ClassLoader.getPlatformClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      synchronized (getClassLoadingLock(name)) {
        Class<?> type = findLoadedClass(name);
        if (type == null && !name.startsWith("java.")) {
          try {
            type = findClass(name);
          } catch (ClassNotFoundException notMine) {
            type = null;
          }
        }
        if (type == null) {
          type = super.loadClass(name, false);
        }
        if (resolve) {
          resolveClass(type);
        }
        return type;
      }
    }
  }
}
