package io.querylens.plan;

import io.querylens.pool.Checkout;
import io.querylens.pool.PoolReadings;
import io.querylens.pool.TrackedPool;
import java.lang.ref.WeakReference;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * Opens a connection to the database an application statement ran on, the way the application got its own: from its
 * pool, its {@code DataSource}, or its driver with the same URL and properties. Holds the source weakly, so a pending
 * EXPLAIN never keeps a closed pool alive. Used on the index advisor's thread only.
 */
public abstract class ConnectionOpener {

  /**
   * The opener for the database {@code checkout}'s connection belongs to, or null when querylens cannot open another
   * ({@code getConnection(user, password)} on an unpooled source, a collected pool, an unknown source type).
   */
  public static ConnectionOpener of(Checkout checkout) {
    if (checkout == null) {
      return null;
    }
    Object source = checkout.source();
    if (source instanceof Driver driver && checkout.driverUrl() != null) {
      return new ForDriver(driver, checkout.driverUrl(), checkout.driverInfo());
    }
    if (source instanceof DataSource dataSource) {
      return new ForDataSource(dataSource, checkout.pool().kind().isPooled() ? checkout.pool() : null);
    }
    return null;
  }

  /** The pool, data source or driver it opens connections from, or null once collected. */
  public abstract Object source();

  /**
   * A connection the caller closes, opened with the source's class loader as the thread's context class loader (what
   * the application's thread would have had, near enough; never the loader of whichever thread queued the request).
   */
  public final Connection open() throws SQLException {
    Object source = source();
    if (source == null) {
      throw new SQLException("the connection source was collected");
    }
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    thread.setContextClassLoader(source.getClass().getClassLoader());
    try {
      return openFrom(source);
    } finally {
      thread.setContextClassLoader(before);
    }
  }

  abstract Connection openFrom(Object source) throws SQLException;

  /** False while querylens has not read the pool's figures yet (its worker does every 100 ms): ask again soon. */
  public boolean ready() {
    return true;
  }

  /**
   * Whether a connection should not be taken now: a pool lends one only while querylens sees one idle (at its last
   * look, at most 100 ms ago) and no thread waits for one; a pool whose idle count querylens cannot read
   * ({@link #neverLends}) never lends.
   */
  public boolean busy() {
    return false;
  }

  /** Whether it is a pool whose figures querylens cannot read, which it therefore never borrows from. */
  public boolean neverLends() {
    return false;
  }

  /** From a {@code DataSource}: a pool (then only while it has a connection to spare) or an unpooled one. */
  static final class ForDataSource extends ConnectionOpener {
    private final WeakReference<DataSource> source;
    private final TrackedPool pool;

    ForDataSource(DataSource source, TrackedPool pool) {
      this.source = new WeakReference<>(source);
      this.pool = pool;
    }

    @Override
    public Object source() {
      return source.get();
    }

    @Override
    Connection openFrom(Object dataSource) throws SQLException {
      return ((DataSource) dataSource).getConnection();
    }

    @Override
    public boolean ready() {
      return pool == null || pool.readings() != PoolReadings.NONE;
    }

    @Override
    public boolean neverLends() {
      return pool != null && pool.readings() != PoolReadings.NONE && pool.readings().idle() < 0;
    }

    @Override
    public boolean busy() {
      if (pool == null) {
        return false;
      }
      PoolReadings readings = pool.readings();
      // No idle connection, or threads waiting: by the pool's own count, or inside its getConnection() for a
      // millisecond or more (querylens' count).
      return readings.idle() < 1 || readings.waiting() > 0 || pool.waitingThreads() > 0;
    }
  }

  /** From the driver the application called, with the URL and properties it passed. */
  static final class ForDriver extends ConnectionOpener {
    private final WeakReference<Driver> driver;
    private final String url;
    private final Properties info;

    ForDriver(Driver driver, String url, Properties info) {
      this.driver = new WeakReference<>(driver);
      this.url = url;
      this.info = info == null ? new Properties() : info;
    }

    @Override
    public Object source() {
      return driver.get();
    }

    @Override
    Connection openFrom(Object current) throws SQLException {
      Connection connection = ((Driver) current).connect(url, info);
      if (connection == null) {
        throw new SQLException("the driver no longer accepts the application's URL");
      }
      return connection;
    }

  }
}
