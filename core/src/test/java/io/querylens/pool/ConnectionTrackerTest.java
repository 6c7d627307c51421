package io.querylens.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.pool.TakesConnections;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.PoolFiller;
import io.querylens.callsite.CallSiteResolver;
import io.querylens.internal.Diagnostics;
import io.querylens.testing.Heap;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bookkeeping of checkouts, without a database: plain objects stand for data sources and connections. */
class ConnectionTrackerTest {

  private final List<ThreadConnections> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final ConnectionTracker tracker =
      new ConnectionTracker(new CallSiteResolver(List.of()), 3, sql -> null, () -> threads);
  private final ThreadConnections thread = registered(new ThreadConnections());

  private ThreadConnections registered(ThreadConnections connections) {
    threads.add(connections);
    return connections;
  }
  private final HikariDataSource hikari = new HikariDataSource();
  private final Object driver = new org.h2.Driver();

  @AfterEach
  void resetDiagnostics() {
    Diagnostics.reset();
  }

  @Test
  void nestedCallsOfAWrapperAndThePoolAreOneCheckoutOfThePoolKnownByBothConnections() {
    Object wrapper = new Object();
    Object wrapperConnection = new Object();
    Object poolConnection = new Object();

    ConnectionTracker.Outcome outcome = TakesConnections.through(tracker, thread, List.of(wrapper, hikari),
        List.of(wrapperConnection, poolConnection));

    Checkout checkout = outcome.checkout();
    assertThat(checkout).isNotNull();
    assertThat(checkout.pool().kind()).isEqualTo(PoolKind.HIKARI);
    assertThat(checkout.callSite().toString()).startsWith("com.example.pool.TakesConnections.through(");
    assertThat(tracker.openCheckouts()).containsExactly(checkout);
    assertThat(tracker.pools()).hasSize(1);
    assertThat(checkout.pool().inUse()).isEqualTo(1);

    assertThat(tracker.released(thread, poolConnection)).as("the pool's connection closes the checkout")
        .isSameAs(checkout);
    thread.closeEnded();
    assertThat(tracker.released(thread, wrapperConnection)).as("then the wrapper's close finds nothing").isNull();
    assertThat(tracker.openCheckouts()).isEmpty();
    assertThat(checkout.pool().inUse()).isZero();
    assertThat(checkout.pool().acquisitions()).isEqualTo(1);
  }

  @Test
  void aJdkProxyConnectionWhoseCloseIsUnseenIsNotTrackedButTheWrapperOfQuerylensIs() throws Exception {
    // Spring's TransactionAwareDataSourceProxy: a JDK proxy, its real connection fetched later through the pool.
    java.sql.Connection springProxy = (java.sql.Connection) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {java.sql.Connection.class}, (proxy, method, args) -> null);
    assertThat(TakesConnections.through(tracker, thread, List.of(new Object()), List.of(springProxy))).isNull();

    // The same proxy in front of a pool call made inside it: known by the pool's connection, so tracked.
    Object poolConnection = new Object();
    ConnectionTracker.Outcome wrapped = TakesConnections.through(tracker, thread, List.of(new Object(), hikari),
        List.of(springProxy, poolConnection));
    assertThat(wrapped.checkout()).isNotNull();
    assertThat(tracker.released(thread, poolConnection)).isSameAs(wrapped.checkout());

    // querylens' own wrapper reports its close: tracked.
    java.sql.Connection watched = io.querylens.jdbc.WatchedJdbc.wrap(springProxy);
    assertThat(TakesConnections.through(tracker, thread, List.of(hikari), List.of(watched)).checkout()).isNotNull();
  }

  @Test
  void aConnectionAPoolOpensForItselfIsNotTracked() {
    assertThat(PoolFiller.openForThePool(tracker, thread, driver, new Object())).isNull();
    assertThat(tracker.openCheckouts()).isEmpty();
  }

  @Test
  void aDriverDecliningAUrlIsNeitherACheckoutNorAFailure() {
    assertThat(TakesConnections.through(tracker, thread, List.of(driver), java.util.Arrays.asList((Object) null)))
        .isNull();
    assertThat(tracker.pools()).singleElement().satisfies(pool -> {
      assertThat(pool.kind()).isEqualTo(PoolKind.DRIVER);
      assertThat(pool.failures()).isZero();
      assertThat(pool.name()).isEqualTo("DriverManager (Driver)");
    });
  }

  @Test
  void unpooledSourcesAreTrackedPerClassSoThatADataSourcePerRequestDoesNotGrowTheTable() {
    for (int i = 0; i < 10; i++) {
      Object connection = new Object();
      TakesConnections.through(tracker, thread, List.of(new org.h2.jdbcx.JdbcDataSource()), List.of(connection));
      tracker.released(thread, connection);
    }
    assertThat(tracker.pools()).singleElement().satisfies(pool -> {
      assertThat(pool.kind()).isEqualTo(PoolKind.DATA_SOURCE);
      assertThat(pool.acquisitions()).isEqualTo(10);
      assertThat(pool.name()).isEqualTo("JdbcDataSource (unpooled)");
    });
  }

  @Test
  void pastTheThreadsSlotsAndTheBoundNewCheckoutsAreDroppedAndCounted() {
    List<Object> held = new java.util.ArrayList<>();
    for (int i = 0; i < ThreadConnections.OPEN_SLOTS + 5; i++) {
      held.add(new Object());
      TakesConnections.through(tracker, thread, List.of(hikari), List.of(held.get(i)));
    }
    assertThat(tracker.openCheckouts()).as("8 in the thread's slots, 3 (the bound) in the shared map").hasSize(11);
    assertThat(Diagnostics.dropCounts()).containsEntry("open connections", 2L);

    assertThat(tracker.released(thread, held.get(9))).as("one from the shared map").isNotNull();
    thread.closeEnded();
    assertThat(tracker.released(thread, held.get(0))).as("one from a slot").isNotNull();
    thread.closeEnded();
    assertThat(tracker.openCheckouts()).hasSize(9);
    assertThat(tracker.pools().get(0).inUse()).isEqualTo(9);
  }

  @Test
  void aConnectionClosedOnAnotherThreadIsFoundThereAndItsSlotIsEmptied() {
    Object connection = new Object();
    Checkout checkout = TakesConnections.through(tracker, thread, List.of(hikari), List.of(connection)).checkout();
    ThreadConnections other = registered(new ThreadConnections());

    assertThat(tracker.released(other, connection)).isSameAs(checkout);
    assertThat(checkout.isClosed()).isTrue();
    assertThat(thread.keptCount()).as("the taking thread's slot no longer holds it").isZero();
    assertThat(tracker.openCheckouts()).isEmpty();
    assertThat(tracker.released(thread, connection)).as("closed once only").isNull();
    assertThat(checkout.pool().inUse()).isZero();
  }

  @Test
  void theClosesNestedInATrackedCloseAreItsOwnAndNeverSearchElsewhere() {
    Object wrapperConnection = new Object();
    Object poolConnection = new Object();
    Object otherThreadsConnection = new Object();
    ThreadConnections other = registered(new ThreadConnections());
    Checkout others = TakesConnections.through(tracker, other, List.of(hikari), List.of(otherThreadsConnection))
        .checkout();
    TakesConnections.through(tracker, thread, List.of(new Object(), hikari),
        List.of(wrapperConnection, poolConnection));

    assertThat(tracker.released(thread, wrapperConnection)).isNotNull();
    assertThat(tracker.released(thread, otherThreadsConnection)).as("inside the wrapper's close()").isNull();
    thread.closeEnded();
    assertThat(tracker.released(thread, otherThreadsConnection)).as("after it").isSameAs(others);
  }

  @Test
  void oneConnectionObjectOutOnTwoThreadsKeepsTheLaterCheckout() {
    Object reclaimed = new Object();
    Checkout first = TakesConnections.through(tracker, thread, List.of(hikari), List.of(reclaimed)).checkout();
    ThreadConnections other = registered(new ThreadConnections());
    Checkout second = TakesConnections.through(tracker, other, List.of(hikari), List.of(reclaimed)).checkout();

    assertThat(tracker.openCheckouts()).containsExactly(second);
    assertThat(first.isClosed()).isTrue();
    assertThat(tracker.released(other, reclaimed)).isSameAs(second);
    assertThat(tracker.pools().get(0).inUse()).isZero();
  }

  @Test
  void aCheckoutCannotBeClearedOrEnqueuedFromOutside() {
    Object connection = new Object();
    Checkout checkout = TakesConnections.through(tracker, thread, List.of(hikari), List.of(connection)).checkout();
    checkout.clear();
    assertThat(checkout.enqueue()).isFalse();
    assertThat(tracker.purgeCollected()).isEmpty();
    assertThat(tracker.released(thread, connection)).isSameAs(checkout);
  }

  @Test
  void theOpenCheckoutsOfAThreadThatEndedStayTrackedAndCloseElsewhere() {
    ThreadConnections ended = registered(new ThreadConnections());
    Object connection = new Object();
    Checkout checkout = TakesConnections.through(tracker, ended, List.of(hikari), List.of(connection)).checkout();

    tracker.threadEnded(ended);
    threads.remove(ended);

    assertThat(tracker.openCheckouts()).containsExactly(checkout);
    assertThat(tracker.released(thread, connection)).isSameAs(checkout);
    assertThat(tracker.openCheckouts()).isEmpty();
    assertThat(checkout.pool().inUse()).isZero();
  }

  @Test
  void aConnectionCollectedWithoutCloseIsHandedBackOnceAsLost() throws Exception {
    TakesConnections.through(tracker, thread, List.of(hikari), List.of(new Object()));
    AtomicReference<List<Checkout>> lost = new AtomicReference<>(List.of());
    Heap.collectUntil(() -> !lost.updateAndGet(none -> tracker.purgeCollected()).isEmpty(), 50);
    assertThat(lost.get()).singleElement().satisfies(checkout -> assertThat(checkout.isClosed()).isTrue());
    assertThat(tracker.openCheckouts()).isEmpty();
    assertThat(tracker.purgeCollected()).isEmpty();
  }

  @Test
  void aPoolCreatedAfterOneWasCollectedAndForgottenGetsANumberOfItsOwn() throws Exception {
    Object connection = new Object();
    HikariDataSource first = new HikariDataSource();
    HikariDataSource second = new HikariDataSource();
    HikariDataSource third = new HikariDataSource();
    for (HikariDataSource pool : List.of(first, second, third)) {
      TakesConnections.through(tracker, thread, List.of(pool), List.of(connection));
      tracker.released(thread, connection);
    }
    java.lang.ref.WeakReference<HikariDataSource> dropped = new java.lang.ref.WeakReference<>(second);
    second = null;
    Heap.collectUntil(() -> dropped.get() == null, 50);
    assertThat(dropped.get()).as("the dropped pool collected").isNull();
    tracker.refreshPools();
    assertThat(tracker.pools()).as("the collected pool forgotten").hasSize(2);

    HikariDataSource fourth = new HikariDataSource();
    TakesConnections.through(tracker, thread, List.of(fourth), List.of(connection));
    tracker.released(thread, connection);

    assertThat(tracker.pools()).extracting(TrackedPool::number).containsExactly(1, 3, 4);
    assertThat(List.of(first, third, fourth)).as("kept reachable until here").hasSize(3);
  }

  @Test
  void timeoutsAreToldFromOtherFailuresForEachPool() {
    assertThat(ConnectionTracker.isTimeout(new SQLTransientConnectionException("HikariPool-1 - Connection is not "
        + "available, request timed out after 250ms"))).isTrue();
    assertThat(ConnectionTracker.isTimeout(new SQLException("Cannot get a connection, pool error Timeout waiting for "
        + "idle object", new NoSuchElementException("Timeout waiting for idle object")))).isTrue();
    assertThat(ConnectionTracker.isTimeout(new PoolExhaustedException("[main] Timeout: Pool empty."))).isTrue();
    assertThat(ConnectionTracker.isTimeout(new SQLException("password authentication failed for user"))).isFalse();
    assertThat(ConnectionTracker.isTimeout(new IllegalStateException("closed"))).isFalse();
  }

  /** Named like Tomcat JDBC's. */
  private static final class PoolExhaustedException extends SQLException {
    PoolExhaustedException(String message) {
      super(message);
    }
  }
}
