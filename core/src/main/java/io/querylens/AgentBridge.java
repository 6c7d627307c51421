package io.querylens;

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

  static {
    MethodHandle begin = null;
    MethodHandle end = null;
    try {
      Class<?> hooks = Class.forName(AGENT_HOOKS, false, null);
      if (hooks != Hooks.class) {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        begin = lookup.findStatic(hooks, "beginUnit", MethodType.methodType(Object.class, String.class, String.class));
        end = lookup.findStatic(hooks, "endUnit", MethodType.methodType(void.class, Object.class));
      }
    } catch (ReflectiveOperationException | LinkageError | RuntimeException noAgent) {
      begin = null;
      end = null;
    }
    BEGIN_UNIT = begin;
    END_UNIT = end;
  }

  private AgentBridge() {}

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
