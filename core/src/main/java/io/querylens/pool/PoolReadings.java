package io.querylens.pool;

/**
 * What a pool says about itself at one moment; {@value #UNKNOWN} where it says nothing.
 *
 * @param active connections handed out
 * @param idle connections ready in the pool
 * @param total connections open
 * @param max the most it will open
 * @param waiting threads waiting for a connection
 */
public record PoolReadings(int active, int idle, int total, int max, int waiting) {

  public static final int UNKNOWN = -1;

  public static final PoolReadings NONE = new PoolReadings(UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN);
}
