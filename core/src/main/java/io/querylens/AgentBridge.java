package io.querylens;

import io.querylens.bootstrap.CaptureBridge;
import io.querylens.bootstrap.Hooks;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Reaches the running agent from the public API. The agent keeps its own, relocated copy of querylens (its bridge is
 * {@value #AGENT_HOOKS} in the bootstrap class loader), so an application that bundles querylens-core for
 * {@link QueryLens} calls the agent through that bridge; without an agent, through this copy's own {@link Hooks}.
 */
final class AgentBridge {

  /** The agent's bridge; the agent jar's build leaves names under io.querylens.agent alone. */
  static final String AGENT_HOOKS = "io.querylens.agent.bootstrap.Hooks";

  private static final MethodHandle BEGIN_UNIT;
  private static final MethodHandle END_UNIT;
  private static final MethodHandle OPEN_CAPTURE;
  private static final MethodHandle CAPTURE_STATE;
  private static final MethodHandle CLOSE_CAPTURE;

  static {
    MethodHandle begin = null;
    MethodHandle end = null;
    MethodHandle open = null;
    MethodHandle state = null;
    MethodHandle close = null;
    try {
      Class<?> hooks = Class.forName(AGENT_HOOKS, false, null);
      if (hooks != Hooks.class) {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        begin = lookup.findStatic(hooks, "beginUnit", MethodType.methodType(Object.class, String.class, String.class));
        end = lookup.findStatic(hooks, "endUnit", MethodType.methodType(void.class, Object.class));
        try {
          open = lookup.findStatic(hooks, "openCapture",
              MethodType.methodType(Object.class, String.class, boolean.class));
          state = lookup.findStatic(hooks, "captureState", MethodType.methodType(Object[].class, Object.class));
          close = lookup.findStatic(hooks, "closeCapture", MethodType.methodType(void.class, Object.class));
        } catch (ReflectiveOperationException olderAgent) {
          open = null;
          state = null;
          close = null;
        }
      }
    } catch (ReflectiveOperationException | LinkageError | RuntimeException noAgent) {
      begin = null;
      end = null;
    }
    BEGIN_UNIT = begin;
    END_UNIT = end;
    OPEN_CAPTURE = open;
    CAPTURE_STATE = state;
    CLOSE_CAPTURE = close;
  }

  private AgentBridge() {}

  /** Whether a querylens agent runs in this JVM (its bridge is on the bootstrap class path). */
  static boolean agentPresent() {
    return BEGIN_UNIT != null;
  }

  /**
   * Where captures are opened: the agent's querylens under the agent, else this copy's (null when it does not run).
   * Under an agent too old to have captures, a bridge whose every capture fails to open.
   */
  static CaptureBridge captureBridge() {
    if (BEGIN_UNIT == null) {
      return Hooks.captureBridge();
    }
    return new CaptureBridge() {
      @Override
      public Object open(String name, boolean allThreads) {
        try {
          return OPEN_CAPTURE == null ? null : OPEN_CAPTURE.invoke(name, allThreads);
        } catch (Throwable failed) {
          return null;
        }
      }

      @Override
      public Object[] state(Object capture) {
        try {
          return (Object[]) CAPTURE_STATE.invoke(capture);
        } catch (Throwable failed) {
          return null;
        }
      }

      @Override
      public void close(Object capture) {
        try {
          CLOSE_CAPTURE.invoke(capture);
        } catch (Throwable ignored) {
          // The agent's hooks never throw.
        }
      }
    };
  }

  static Object beginUnit(String kind, String name) {
    if (BEGIN_UNIT == null) {
      return Hooks.beginUnit(kind, name);
    }
    try {
      return BEGIN_UNIT.invoke(kind, name);
    } catch (Throwable failed) {
      return null;
    }
  }

  static void endUnit(Object scope) {
    if (END_UNIT == null) {
      Hooks.endUnit(scope);
      return;
    }
    try {
      END_UNIT.invoke(scope);
    } catch (Throwable ignored) {
      // The agent's hooks never throw; nothing to add here.
    }
  }
}
