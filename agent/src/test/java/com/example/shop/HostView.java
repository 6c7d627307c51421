package com.example.shop;

/** Prints what the application can see of the JVM and of querylens while the agent runs. */
public final class HostView {

  public static void main(String[] args) {
    Module app = HostView.class.getModule();
    System.out.println("jdk.internal.misc exported to the application: "
        + Object.class.getModule().isExported("jdk.internal.misc", app));
    System.out.println("io.querylens.QueryLens visible: " + visible("io.querylens.QueryLens"));
    System.out.println("io.querylens.bootstrap.Hooks visible: " + visible("io.querylens.bootstrap.Hooks"));
  }

  private static boolean visible(String name) {
    try {
      Class.forName(name, false, HostView.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException absent) {
      return false;
    }
  }
}
