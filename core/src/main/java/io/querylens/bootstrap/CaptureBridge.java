package io.querylens.bootstrap;

/**
 * How the public API reaches the captures of the querylens that watches the JDBC calls, which under the agent is the
 * agent's own copy, in another class loader. Only {@code java.base} types cross: a handle, and the capture's state as
 * arrays, lists, maps, strings and numbers.
 */
public interface CaptureBridge {

  /** Opens a capture; returns its handle, or null when none can be opened. */
  Object open(String name, boolean allThreads);

  /**
   * The capture's state: {@code [name (String), closed (Boolean), total (Long), counts by statement kind name
   * (Map<String, Long>), statements (List<Object[]>), findings (List<Map<String, Object>>), judged finding types
   * (List<String>)]}, or null for an unknown handle.
   */
  Object[] state(Object capture);

  /** Stops the capture; it stays readable. */
  void close(Object capture);
}
