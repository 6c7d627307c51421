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
  private final long budgetNanos;

  public Endpoints() {
    this(0);
  }

  /** Endpoints whose requests count against a database-time budget of {@code budgetNanos} (0: none). */
  public Endpoints(long budgetNanos) {
    this(MAX_ENDPOINTS, budgetNanos);
  }

  Endpoints(int maxEndpoints, long budgetNanos) {
    this.maxEndpoints = maxEndpoints;
    this.budgetNanos = budgetNanos;
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
      return byName.computeIfAbsent(OTHER, other -> new EndpointStats(other, budgetNanos));
    }
    return byName.computeIfAbsent(name, created -> new EndpointStats(created, budgetNanos));
  }

  /** Every endpoint's statistics, in no order. */
  public List<EndpointStats> all() {
    return List.copyOf(byName.values());
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
