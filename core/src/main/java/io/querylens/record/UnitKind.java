package io.querylens.record;

/** What bounds a unit of work. Detectors count per unit: an N+1 is many similar statements in one unit. */
public enum UnitKind {
  /** An HTTP request ({@code HttpServlet.service}). */
  REQUEST("request"),
  /** An explicit scope from {@code QueryLens.unitOfWork(name)}. */
  SCOPE("scope"),
  /** {@code setAutoCommit(false)} until {@code commit}/{@code rollback}, outside any request or scope. */
  TRANSACTION("transaction"),
  /**
   * The fallback: statements on one thread outside all of the above, grouped while they follow each other closely
   * ({@code unit.thread.gap.ms}) and for at most {@code unit.thread.max.ms}.
   */
  THREAD("statements on thread"),
  /** A test's {@code QueryLens.capture()}: judged on its own, besides the unit the statements ran in. */
  CAPTURE("capture");

  private final String label;

  UnitKind(String label) {
    this.label = label;
  }

  /** How a message names this kind of unit, e.g. "request". */
  public String label() {
    return label;
  }
}
