package io.querylens.agent;

import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * The agent's entry point ({@code Premain-Class} and {@code Agent-Class}). Does as little as possible: puts the hook
 * bridge on the bootstrap class path, then hands over to {@link AgentInstaller}, which is looked up by name so that
 * nothing it references is resolved before the bridge is in place. Never lets a failure stop the application.
 */
public final class QueryLensAgent {

  private QueryLensAgent() {}

  /** Called before {@code main} for {@code -javaagent:querylens-agent.jar[=options]}. */
  public static void premain(String arguments, Instrumentation instrumentation) {
    start(arguments, instrumentation, false);
  }

  /** Called when the agent is attached to a running JVM. */
  public static void agentmain(String arguments, Instrumentation instrumentation) {
    start(arguments, instrumentation, true);
  }

  /** The agent jar querylens was loaded from. */
  static Path agentJar() {
    try {
      return Path.of(QueryLensAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException unknown) {
      throw new IllegalStateException("cannot tell where the agent jar is", unknown);
    }
  }

  private static void start(String arguments, Instrumentation instrumentation, boolean attached) {
    try {
      BootstrapInjector.appendBridge(instrumentation);
      Class.forName("io.querylens.agent.AgentInstaller")
          .getMethod("install", String.class, Instrumentation.class, boolean.class)
          .invoke(null, arguments, instrumentation, attached);
    } catch (Throwable failed) {
      Throwable cause = failed instanceof java.lang.reflect.InvocationTargetException ? failed.getCause() : failed;
      System.err.println("[querylens] could not start; the application runs without it: " + cause);
    }
  }
}
