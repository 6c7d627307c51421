package io.querylens.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.querylens.endpoint.Endpoints;
import io.querylens.endpoint.EndpointStats;
import io.querylens.pool.PoolTimeline;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The figures behind the HTML report's charts: bucketed latencies, statements per request, a pool over time. */
class DistributionTest {

  @Test
  void aHistogramsBinsRunFromItsLowestToItsHighestBucketWithEmptyOnesBetween() {
    LatencyHistogram histogram = new LatencyHistogram();
    histogram.record(2_000_000);
    histogram.record(2_000_000);
    histogram.record(40_000_000);

    List<Distribution.Bin> bins = histogram.distribution().bins();

    assertThat(bins.get(0).count()).isEqualTo(2);
    assertThat(bins.get(0).from()).isLessThanOrEqualTo(2_000_000).isGreaterThan(1_500_000);
    assertThat(bins.get(bins.size() - 1).count()).isEqualTo(1);
    assertThat(bins.get(bins.size() - 1).to()).isGreaterThanOrEqualTo(40_000_000);
    assertThat(bins).hasSize(18); // 4 buckets per power of two, 2 ms to 40 ms
    for (int i = 1; i < bins.size(); i++) {
      assertThat(bins.get(i).from()).isEqualTo(bins.get(i - 1).to() + 1);
    }
    assertThat(histogram.distribution().total()).isEqualTo(3);
    assertThat(new LatencyHistogram().distribution()).isEqualTo(Distribution.EMPTY);
  }

  @Test
  void statementsPerRequestAreExactBelow128AndBucketedAbove() {
    EndpointStats endpoint = new Endpoints().of("GET /authors");
    endpoint.record(51, 1_000);
    endpoint.record(51, 1_000);
    endpoint.record(49, 1_000);
    endpoint.record(1_000, 1_000);

    List<Distribution.Bin> bins = endpoint.statementsPerRequest().bins();

    assertThat(bins.subList(0, 3)).containsExactly(new Distribution.Bin(49, 49, 1), new Distribution.Bin(50, 50, 0),
        new Distribution.Bin(51, 51, 2));
    assertThat(bins).as("51, then an empty bin up to the large count's bucket, then that bucket").hasSize(5);
    assertThat(bins.get(3).count()).isZero();
    assertThat(bins.get(4).count()).isEqualTo(1);
    assertThat(bins.get(4).from()).isLessThanOrEqualTo(1_000);
    assertThat(bins.get(4).to()).isGreaterThanOrEqualTo(1_000);
    for (int i = 1; i < bins.size(); i++) {
      assertThat(bins.get(i).from()).as("consecutive").isEqualTo(bins.get(i - 1).to() + 1);
    }
  }

  @Test
  void aShapeTellsSixEndpointsApartAndCountsTheRestTogether() {
    ShapeStats stats = new ShapeStats();
    for (int i = 0; i < 8; i++) {
      for (int request = 0; request <= i; request++) {
        stats.ranIn("GET /e" + i);
      }
    }

    assertThat(stats.endpoints()).hasSize(ShapeStats.ENDPOINT_SLOTS).first()
        .isEqualTo(new ShapeStats.EndpointShare("GET /e5", 6));
    assertThat(stats.otherEndpointRequests()).isEqualTo(7 + 8);
  }

  @Test
  void rowsAreSampledFromTheFirstExecutionsThenRarelyAndNotAtAllFromADriverThatCannotTell() {
    ShapeStats stats = new ShapeStats();
    assertThat(stats.wantsRowSample(1)).isTrue();
    stats.recordRows(10);
    stats.recordRows(30);
    stats.recordRows(20);
    stats.recordRows(20);
    assertThat(stats.rows()).isEqualTo(new ShapeStats.RowFigures(4, 20.0, 30));
    long picked = 0;
    for (long nanos = 100; nanos <= 6_400_000; nanos += 100) { // a clock ticking in 100 ns steps
      picked += stats.wantsRowSample(nanos) ? 1 : 0;
    }
    assertThat(picked).as("about one in 64 of 64,000 executions").isBetween(800L, 1_200L);

    ShapeStats unknown = new ShapeStats();
    for (int i = 0; i < 4; i++) {
      unknown.recordRows(-1);
    }
    assertThat(unknown.rows()).isNull();
    assertThat(unknown.wantsRowSample(0)).isFalse();
  }

  @Test
  void aPoolTimelineKeepsEachIntervalsPeakAndMergesIntervalsWhenFull() {
    PoolTimeline timeline = new PoolTimeline(0);
    timeline.add(100_000_000L, 2, 0);
    timeline.add(900_000_000L, 5, 1);
    timeline.add(1_500_000_000L, 1, 0);

    assertThat(timeline.points()).containsExactly(new PoolTimeline.Point(0, 1000, 5, 1),
        new PoolTimeline.Point(1000, 2000, 1, 0));

    timeline.add(1_000_000_000L * 400, 3, 3); // beyond 360 one-second points: two-second ones now
    List<PoolTimeline.Point> points = timeline.points();
    assertThat(points.get(0)).isEqualTo(new PoolTimeline.Point(0, 2000, 5, 1));
    assertThat(points.get(points.size() - 1)).isEqualTo(new PoolTimeline.Point(400_000, 402_000, 3, 3));
    assertThat(points).hasSizeLessThanOrEqualTo(360);
  }
}
