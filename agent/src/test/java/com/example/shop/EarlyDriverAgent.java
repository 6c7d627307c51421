package com.example.shop;

import java.lang.instrument.Instrumentation;

/**
 * Another Java agent, started before querylens', that loads the H2 driver's classes in its premain: querylens must
 * still instrument them, though they were loaded before it started.
 */
public final class EarlyDriverAgent {

  private EarlyDriverAgent() {}

  public static void premain(String arguments, Instrumentation instrumentation) throws ClassNotFoundException {
    ClassLoader loader = ClassLoader.getSystemClassLoader();
    for (String name : new String[] {"org.h2.Driver", "org.h2.jdbc.JdbcConnection", "org.h2.jdbc.JdbcStatement",
        "org.h2.jdbc.JdbcPreparedStatement"}) {
      Class.forName(name, false, loader);
    }
  }
}
