package com.zaxxer.hikari.pool;

import io.querylens.pool.ConnectionTracker;
import io.querylens.pool.ThreadConnections;

/** Stands for HikariCP's own code opening a connection for the pool (its package is what querylens recognises). */
public final class PoolFiller {

  private PoolFiller() {}

  public static ConnectionTracker.Outcome openForThePool(
      ConnectionTracker tracker, ThreadConnections thread, Object driver, Object connection) {
    tracker.acquiring(thread, driver);
    return tracker.acquired(thread, driver, connection, null, null, "housekeeper");
  }
}
