package io.querylens.record;

import io.querylens.pool.Checkout;
import io.querylens.pool.ConnectionTracker;

/**
 * Told of every completed statement, and of connections taken and closed, on the thread that did it, inside the JDBC
 * call: a test's capture. Must not block for long or keep the {@link Execution}, which is reused for the thread's next
 * statement.
 */
@FunctionalInterface
public interface ExecutionListener {
  void onExecution(Execution execution);

  /** A {@code getConnection()} returned or failed. */
  default void onConnectionAcquired(ConnectionTracker.Outcome acquisition) {}

  /** A connection taken earlier was closed. */
  default void onConnectionReleased(Checkout checkout) {}
}
