package io.querylens.record;

/**
 * Told of every completed statement, on the thread that ran it, inside the JDBC call: a test's capture. Must not
 * block for long or keep the {@link Execution}, which is reused for the thread's next statement.
 */
@FunctionalInterface
public interface ExecutionListener {
  void onExecution(Execution execution);
}
