package io.querylens.stats;

import java.util.List;

/**
 * How recorded values spread: consecutive bins from the lowest value seen to the highest, empty bins between them
 * kept, so that the bins can be drawn as they are. Made for charts; a copy, not a live view.
 *
 * @param bins the bins, lowest first; empty when nothing was recorded
 */
public record Distribution(List<Bin> bins) {

  /** Nothing recorded. */
  public static final Distribution EMPTY = new Distribution(List.of());

  public Distribution {
    bins = List.copyOf(bins);
  }

  /**
   * Values from {@code from} up to {@code to}, both included.
   *
   * @param count how many values fell in it
   */
  public record Bin(long from, long to, long count) {}

  /** Everything recorded. */
  public long total() {
    long total = 0;
    for (Bin bin : bins) {
      total += bin.count();
    }
    return total;
  }

  /** The fullest bin's count, 0 when empty. */
  public long largestCount() {
    long largest = 0;
    for (Bin bin : bins) {
      largest = Math.max(largest, bin.count());
    }
    return largest;
  }
}
