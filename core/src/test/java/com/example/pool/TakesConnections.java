package com.example.pool;

import io.querylens.pool.ConnectionTracker;
import io.querylens.pool.ThreadConnections;
import java.util.List;

/** Application code taking a connection through nested sources (a wrapper, then a pool), as the hooks report it. */
public final class TakesConnections {

  private TakesConnections() {}

  /** {@code sources.get(0).getConnection()} calling {@code sources.get(1).getConnection()} and so on. */
  public static ConnectionTracker.Outcome through(
      ConnectionTracker tracker, ThreadConnections thread, List<Object> sources, List<Object> connections) {
    for (Object source : sources) {
      tracker.acquiring(thread, source);
    }
    ConnectionTracker.Outcome outcome = null;
    for (int i = sources.size() - 1; i >= 0; i--) {
      outcome = tracker.acquired(thread, sources.get(i), connections.get(i), null, null, "main");
    }
    return outcome;
  }
}
