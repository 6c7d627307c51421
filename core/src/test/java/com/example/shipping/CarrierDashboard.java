package com.example.shipping;

import java.sql.SQLException;

/**
 * A chatty page: a carrier's dashboard reads eight different things four times each (32 statements), every pattern
 * too small to be an N+1, a repeated query or unbatched writes on its own.
 */
public final class CarrierDashboard {

  private final Shipments shipments;

  public CarrierDashboard(Shipments shipments) {
    this.shipments = shipments;
  }

  /** Statements {@link #render} runs. */
  public static final int STATEMENTS = 32;

  public int render(int carrierId) throws SQLException {
    int rows = 0;
    for (int i = 0; i < 4; i++) {
      int carrier = carrierId + i;
      rows += shipments.byCarrier(carrier);
      rows += shipments.latestForCarrier(carrier, 5);
      rows += shipments.byId(carrier * 10L + 1);
      rows += shipments.byNote("note " + carrier);
      rows += shipments.byNoteIgnoringCase("note " + (carrier + 1));
      rows += shipments.sameCarrier(carrier * 10L + 2);
      rows += shipments.newForCarrier(carrier);
      rows += shipments.pageAfter(carrier * 100L, 10);
    }
    return rows;
  }

  /** The carrier's page without the dashboard: three statements. */
  public int summary(int carrierId) throws SQLException {
    return shipments.byCarrier(carrierId) + shipments.latestForCarrier(carrierId, 5) + shipments.count();
  }

  /** The classic N+1: one statement per carrier. */
  public int everyCarrier(int carriers) throws SQLException {
    int rows = 0;
    for (int carrier = 1; carrier <= carriers; carrier++) {
      rows += shipments.byCarrier(carrier);
    }
    return rows;
  }
}
