package com.example.shop;

import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

/**
 * A servlet container in miniature: deploys {@link RedeployedApp} five times, each time in a fresh web-app class
 * loader (its own copy of the application class, of the H2 driver jar and of Micrometer's jars, parent the platform
 * loader), lets it serve one request with an N+1, asks it what querylens' meters in its own Micrometer say, undeploys
 * it and drops it, keeping only a weak reference to the loader. Then collects garbage (up to 50 times, 20 ms apart)
 * and prints how many of the five loaders are gone: a loader still reachable is a leak.
 *
 * <p>Arguments: how long each deployment waits for querylens' meters, in milliseconds (0: it only looks); then
 * Micrometer's jars, as one class path.
 */
public final class Redeploy {

  private static final int DEPLOYMENTS = 5;
  private static final String APP = "com.example.shop.RedeployedApp";

  public static void main(String[] args) throws Exception {
    // As Tomcat's JreMemoryLeakPreventionListener does: let DriverManager load the class path's drivers now, with the
    // container's loader as context loader, so its first use from a web app does not load drivers from that app.
    java.sql.DriverManager.getDrivers();
    long meterWaitMillis = Long.parseLong(args[0]);
    List<URL> webApp = new ArrayList<>(List.of(Redeploy.class.getProtectionDomain().getCodeSource().getLocation(),
        h2Jar()));
    for (String jar : args[1].split(java.io.File.pathSeparator)) {
      webApp.add(java.nio.file.Path.of(jar).toUri().toURL());
    }
    List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
    for (int i = 1; i <= DEPLOYMENTS; i++) {
      if (i > 1) {
        // Between deployments, a pause longer than querylens' unit.thread.gap.ms (200 ms): each deployment's request
        // is a burst of its own, so the report tells whether querylens watched all five.
        Thread.sleep(400);
      }
      loaders.add(deployServeAndUndeploy(webApp.toArray(URL[]::new), i, meterWaitMillis));
    }
    int collections = 0;
    while (collected(loaders) < DEPLOYMENTS && collections < 50) {
      System.gc();
      collections++;
      Thread.sleep(20);
    }
    System.out.println(collected(loaders) + " of " + DEPLOYMENTS + " loaders collected after " + collections
        + " collections");
  }

  private static WeakReference<ClassLoader> deployServeAndUndeploy(URL[] webApp, int deployment, long meterWaitMillis)
      throws Exception {
    Thread thread = Thread.currentThread();
    ClassLoader container = thread.getContextClassLoader();
    try (URLClassLoader loader = new URLClassLoader("webapp-" + deployment, webApp,
        ClassLoader.getPlatformClassLoader())) {
      Class<?> app = loader.loadClass(APP);
      if (app.getClassLoader() != loader
          || loader.loadClass("org.h2.Driver").getClassLoader() != loader
          || loader.loadClass("io.micrometer.core.instrument.Metrics").getClassLoader() != loader) {
        throw new IllegalStateException("not the web app's own copy: " + app.getClassLoader());
      }
      thread.setContextClassLoader(loader); // as a container does while a web app runs
      try {
        Object instance = app.getConstructor().newInstance();
        Method serve = app.getMethod("serve");
        System.out.println("deployment " + deployment + ": " + serve.invoke(instance));
        System.out.println("deployment " + deployment + " meters: "
            + app.getMethod("querylensMeters", long.class).invoke(instance, meterWaitMillis));
        app.getMethod("undeploy").invoke(instance);
      } finally {
        thread.setContextClassLoader(container);
      }
      return new WeakReference<>(loader);
    }
  }

  /** H2's jar on the application class path, found without loading a class from it. */
  private static URL h2Jar() throws Exception {
    URL driver = Redeploy.class.getClassLoader().getResource("org/h2/Driver.class");
    String jar = driver.toString(); // jar:file:/.../h2-x.y.z.jar!/org/h2/Driver.class
    return new URL(jar.substring("jar:".length(), jar.indexOf("!/")));
  }

  private static int collected(List<WeakReference<ClassLoader>> loaders) {
    return (int) loaders.stream().filter(loader -> loader.get() == null).count();
  }
}
