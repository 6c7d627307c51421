package io.querylens.endpoint;

import io.querylens.internal.Diagnostics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every endpoint's statistics, by name. Bounded: past {@link #MAX_ENDPOINTS} names (an application whose routes carry
 * values querylens could not fold), further ones share {@link #OTHER}, counted as a drop and said once.
 */
public final class Endpoints {

  static final int MAX_ENDPOINTS = 1_000;
  /** Where requests of endpoints past the bound are counted. */
  public static final String OTHER = "(other endpoints)";

  private final ConcurrentHashMap<String, EndpointStats> byName = new ConcurrentHashMap<>();
  private final int maxEndpoints;

  public Endpoints() {
    this(MAX_ENDPOINTS);
  }

  Endpoints(int maxEndpoints) {
    this.maxEndpoints = maxEndpoints;
  }

  /** The statistics of endpoint {@code name}, created on first use. */
  public EndpointStats of(String name) {
    EndpointStats stats = byName.get(name);
    if (stats != null) {
      return stats;
    }
    if (byName.size() >= maxEndpoints) {
      Diagnostics.dropped("endpoints", "more than " + maxEndpoints + " distinct endpoint names; the requests of "
          + "further ones are counted together as " + OTHER);
      return byName.computeIfAbsent(OTHER, EndpointStats::new);
    }
    return byName.computeIfAbsent(name, EndpointStats::new);
  }

  /** Every endpoint, the one with the most database time first. */
  public List<EndpointSummary> summaries() {
    List<EndpointSummary> summaries = new ArrayList<>(byName.size());
    byName.values().forEach(stats -> summaries.add(stats.snapshot()));
    summaries.sort(Comparator.comparingLong(EndpointSummary::databaseNanos).reversed()
        .thenComparing(EndpointSummary::name));
    return summaries;
  }

  /** Endpoints seen. */
  public int size() {
    return byName.size();
  }
}
