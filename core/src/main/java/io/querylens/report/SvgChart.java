package io.querylens.report;

import io.querylens.pool.PoolTimeline;
import io.querylens.stats.Distribution;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;

/**
 * The HTML report's charts, drawn as inline SVG when the page is written: no script and no library, so they show in
 * any browser, from disk, and in print. Each bar and point carries a {@code <title>} with its exact figures.
 */
final class SvgChart {

  private SvgChart() {}

  /**
   * A bar per bin of {@code distribution}, heights to scale.
   *
   * @param what what the bins count, for the titles ("executions", "requests")
   * @param value how a bin's bounds read ("1.0 ms", "51 statements")
   * @param compact a small chart for a table cell: no axis labels
   */
  static String bars(Distribution distribution, String what, LongFunction<String> value, boolean compact) {
    List<Distribution.Bin> bins = distribution.bins();
    if (bins.isEmpty()) {
      return "";
    }
    int width = compact ? 120 : 480;
    int height = compact ? 24 : 120;
    int left = compact ? 0 : 8;
    int top = compact ? 0 : 16;
    int bottom = compact ? 0 : 18;
    double plotHeight = height - top - bottom;
    double slot = (double) (width - 2 * left) / bins.size();
    long largest = Math.max(1, distribution.largestCount());
    StringBuilder svg = open(width, height, compact ? "spark" : "chart",
        what + " by " + (compact ? "duration" : "value"));
    for (int index = 0; index < bins.size(); index++) {
      Distribution.Bin bin = bins.get(index);
      double barHeight = bin.count() == 0 ? 0 : Math.max(1, plotHeight * bin.count() / largest);
      svg.append(String.format(Locale.ROOT,
          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>%s: %,d %s</title></rect>",
          left + index * slot + slot * 0.1, top + plotHeight - barHeight, Math.max(0.5, slot * 0.8), barHeight,
          HtmlReport.escape(range(bin, value)), bin.count(), bin.count() == 1 ? singular(what) : what));
    }
    if (!compact) {
      Distribution.Bin first = bins.get(0);
      Distribution.Bin last = bins.get(bins.size() - 1);
      svg.append(text(left, height - 4, "start", value.apply(first.from())))
          .append(text(width - left, height - 4, "end", range(last, value)))
          .append(text(left, 11, "start", String.format(Locale.ROOT, "at most %,d %s", largest,
              largest == 1 ? singular(what) : what)));
    }
    return svg.append("</svg>").toString();
  }

  private static String singular(String plural) {
    return plural.endsWith("s") ? plural.substring(0, plural.length() - 1) : plural;
  }

  private static String range(Distribution.Bin bin, LongFunction<String> value) {
    if (bin.from() == bin.to()) {
      return value.apply(bin.from());
    }
    return bin.to() == Long.MAX_VALUE ? value.apply(bin.from()) + " and more"
        : value.apply(bin.from()) + " to " + value.apply(bin.to());
  }

  /**
   * Connections in use (a filled step area) and threads waiting (a red line) over time, with the pool's size as a
   * dashed line when known.
   */
  static String timeline(List<PoolTimeline.Point> points, int poolSize) {
    if (points.isEmpty()) {
      return "";
    }
    int width = 720;
    int height = 140;
    int left = 30;
    int top = 10;
    int bottom = 20;
    double plotHeight = height - top - bottom;
    int highest = Math.max(1, poolSize);
    for (PoolTimeline.Point point : points) {
      highest = Math.max(highest, Math.max(point.inUse(), point.waiting()));
    }
    double slot = (double) (width - left - 4) / points.size();
    StringBuilder svg = open(width, height, "chart timeline", "connections in use and threads waiting over time");
    StringBuilder inUse = new StringBuilder();
    StringBuilder waiting = new StringBuilder();
    for (int i = 0; i < points.size(); i++) {
      PoolTimeline.Point point = points.get(i);
      double x0 = left + i * slot;
      double x1 = x0 + slot;
      double yInUse = top + plotHeight - plotHeight * point.inUse() / highest;
      double yWaiting = top + plotHeight - plotHeight * point.waiting() / highest;
      inUse.append(String.format(Locale.ROOT, "%.1f,%.1f %.1f,%.1f ", x0, yInUse, x1, yInUse));
      waiting.append(String.format(Locale.ROOT, "%.1f,%.1f %.1f,%.1f ", x0, yWaiting, x1, yWaiting));
      svg.append(String.format(Locale.ROOT,
          "<rect class=\"hit\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%.1f\"><title>%s to %s: %d in use, %d "
              + "waiting</title></rect>",
          x0, top, slot, plotHeight, seconds(point.fromMillis()), seconds(point.toMillis()), point.inUse(),
          point.waiting()));
    }
    double base = top + plotHeight;
    svg.append(String.format(Locale.ROOT, "<polygon class=\"in-use\" points=\"%d,%.1f %s%.1f,%.1f\"/>", left, base,
        inUse, left + points.size() * slot, base));
    svg.append("<polyline class=\"waiting\" points=\"").append(waiting.toString().trim()).append("\"/>");
    if (poolSize > 0) {
      double y = top + plotHeight - plotHeight * poolSize / highest;
      svg.append(String.format(Locale.ROOT, "<line class=\"size\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>",
          left, y, width - 4, y)).append(text(left - 4, y + 4, "end", String.valueOf(poolSize)));
    }
    if (highest != poolSize) {
      svg.append(text(left - 4, top + 8, "end", String.valueOf(highest)));
    }
    svg.append(text(left - 4, base, "end", "0"))
        .append(text(left, height - 4, "start", "0 s"))
        .append(text(width - 4, height - 4, "end", seconds(points.get(points.size() - 1).toMillis())));
    return svg.append("</svg>").toString();
  }

  private static String seconds(long millis) {
    return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  private static StringBuilder open(int width, int height, String cssClass, String label) {
    return new StringBuilder(1024).append("<svg class=\"").append(cssClass).append("\" role=\"img\" aria-label=\"")
        .append(HtmlReport.escape(label)).append("\" width=\"").append(width).append("\" height=\"").append(height)
        .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height).append("\">");
  }

  private static String text(double x, double y, String anchor, String text) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>", x, y, anchor,
        HtmlReport.escape(text));
  }
}
