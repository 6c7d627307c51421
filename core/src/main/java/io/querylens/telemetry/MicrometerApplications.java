package io.querylens.telemetry;

import io.querylens.internal.Diagnostics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * querylens' meters in the Micrometer of each application that has one, found in the class loaders of the
 * application's work: up to {@value #MAX_BOUND} Micrometers at once, each let go with its application. A servlet
 * container's redeployed application brings its own Micrometer in a new class loader: it gets the meters as soon as
 * querylens sees its work, and the undeployed one's are dropped once its class loader is collected (or closed), never
 * kept. Worker only (and shutdown).
 */
public final class MicrometerApplications {

  private static final int MAX_BOUND = 4;
  private static final int MAX_SEARCHED_LOADERS = 64;

  private final Telemetry telemetry;
  /** Class loaders already searched for Micrometer (weakly: an undeployed application's loader is let go). */
  private final Map<ClassLoader, Boolean> searched = new WeakHashMap<>();
  /** Oldest first. */
  private final List<MicrometerMeters> bound = new ArrayList<>();

  public MicrometerApplications(Telemetry telemetry) {
    this.telemetry = telemetry;
  }

  /**
   * Registers meters for what is new in every Micrometer bound, forgets those whose application is gone, and binds
   * the Micrometer of each of {@code loaders} not searched yet (null ones are skipped). When {@value #MAX_BOUND} are
   * bound, a new one takes the place of one nothing reads any more, else of the one bound first (said once).
   */
  public synchronized void refresh(List<ClassLoader> loaders) {
    bound.removeIf(meters -> !meters.refresh());
    for (ClassLoader loader : loaders) {
      if (loader == null || searched.size() >= MAX_SEARCHED_LOADERS || searched.put(loader, Boolean.TRUE) != null) {
        continue;
      }
      Class<?> metrics = MicrometerMeters.metricsOf(loader);
      if (metrics == null || bound.stream().anyMatch(meters -> meters.isIn(metrics))) {
        continue;
      }
      MicrometerMeters meters = MicrometerMeters.bind(telemetry, metrics);
      if (meters == null) {
        continue;
      }
      if (bound.size() >= MAX_BOUND) {
        makeRoom();
      }
      bound.add(meters);
    }
  }

  /**
   * Lets go of the Micrometer found first that nothing reads any more (an undeployed application's, not collected yet),
   * else of the one found first, said once: that application's meters stop growing.
   */
  private void makeRoom() {
    for (int i = 0; i < bound.size(); i++) {
      if (!bound.get(i).isRead()) {
        bound.remove(i).close();
        return;
      }
    }
    bound.remove(0).close();
    Diagnostics.dropped("Micrometer registries", "more than " + MAX_BOUND + " applications with Micrometer at once; "
        + "querylens' meters leave the one found first");
  }

  /** How many applications' Micrometers hold querylens' meters now. */
  public synchronized int bound() {
    return bound.size();
  }

  /** Removes querylens' meters from every Micrometer bound. */
  public synchronized void close() {
    bound.forEach(MicrometerMeters::close);
    bound.clear();
  }
}
