package io.querylens;

/** An open unit of work; closing it ends the unit and lets per-unit detectors judge it. */
public final class UnitOfWorkScope implements AutoCloseable {

  private Object scope;

  UnitOfWorkScope(Object scope) {
    this.scope = scope;
  }

  /** Ends the unit of work (once; later calls do nothing). */
  @Override
  public void close() {
    Object ending = scope;
    scope = null;
    AgentBridge.endUnit(ending);
  }
}
