package io.querylens.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One load-test run against a real PostgreSQL: {@code threads} client threads, each borrowing a connection from
 * HikariCP, running one primary-key lookup and giving the connection back, as fast as they can for
 * {@code seconds} after a 20 s warm-up. Prints a {@code THREADS} line (the CPU each group of the JVM's threads used
 * in the measured run) and a {@code RESULT} line: ops/s, p50, p99 and p99.9 latency in µs, the JVM's and the whole
 * machine's CPU time per operation in µs. {@link LoadTestRunner} runs it with and without the agent and compares.
 *
 * <pre>java -cp benchmarks/target/querylens-benchmarks.jar io.querylens.benchmarks.LoadTest URL THREADS SECONDS</pre>
 */
public final class LoadTest {

  static final String LOOKUP = "select id, name, price from load_items where id = ?";
  private static final int ITEMS = 100_000;
  /**
   * Long enough for the JIT compilers to settle (with 5 s they still took 8 % of a CPU through the next 15 s without
   * the agent, 14 % with it): a service runs for hours, so the steady state is what the ratios compare.
   */
  private static final int WARM_UP_SECONDS = 20;
  /** Linux counts CPU time in /proc in ticks of 1/USER_HZ s, and USER_HZ is 100. */
  private static final long NANOS_PER_TICK = 10_000_000L;
  /** CPU time of the client threads of the measured run, each adding its own as it ends. */
  private static final LongAdder CLIENT_CPU = new LongAdder();

  private LoadTest() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int threads = Integer.parseInt(args[1]);
    int seconds = Integer.parseInt(args[2]);
    try (HikariDataSource pool = new HikariDataSource()) {
      pool.setJdbcUrl(url);
      pool.setMaximumPoolSize(threads);
      pool.setMinimumIdle(threads);
      prepareTable(pool);
      run(pool, threads, WARM_UP_SECONDS);
      Map<String, Long> threadCpuBefore = cpuByThreadGroup();
      CLIENT_CPU.reset();
      long processCpuBefore = processCpuNanos();
      long machineBusyBefore = machineBusyNanos();
      long[][] latencies = run(pool, threads, seconds);
      long processCpu = processCpuNanos() - processCpuBefore;
      long machineBusy = machineBusyNanos() - machineBusyBefore;
      printCpuByThreadGroup(threadCpuBefore, cpuByThreadGroup(), seconds);
      long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).filter(nanos -> nanos > 0).sorted()
          .toArray();
      System.out.printf(Locale.ROOT, "RESULT %.0f %.1f %.1f %.1f %.2f %.2f%n", all.length / (double) seconds,
          percentile(all, 0.50) / 1000.0, percentile(all, 0.99) / 1000.0, percentile(all, 0.999) / 1000.0,
          processCpu / 1000.0 / all.length, machineBusy / 1000.0 / all.length);
    }
  }

  private static void prepareTable(HikariDataSource pool) throws SQLException {
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("create table if not exists load_items (id int primary key, name varchar(40), price int)");
      try (ResultSet count = statement.executeQuery("select count(*) from load_items")) {
        count.next();
        if (count.getInt(1) == ITEMS) {
          return;
        }
      }
      statement.execute("truncate load_items");
      statement.execute("insert into load_items select x, 'item ' || x, (x * 7) % 1000 from generate_series(1, "
          + ITEMS + ") as x");
      statement.execute("analyze load_items");
    }
  }

  /** Runs the load; returns each thread's latencies (0 where a slot was not used). */
  private static long[][] run(HikariDataSource pool, int threads, int seconds) throws InterruptedException {
    long[][] latencies = new long[threads][];
    Thread[] workers = new Thread[threads];
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    for (int t = 0; t < threads; t++) {
      int thread = t;
      latencies[t] = new long[seconds * 50_000];
      Thread worker = new Thread(() -> {
        SplittableRandom random = new SplittableRandom(thread);
        long[] mine = latencies[thread];
        int n = 0;
        try {
          while (n < mine.length) {
            long start = System.nanoTime();
            if (start >= end) {
              break;
            }
            lookup(pool, 1 + random.nextInt(ITEMS));
            mine[n++] = System.nanoTime() - start;
          }
        } catch (SQLException failed) {
          throw new IllegalStateException(failed);
        } finally {
          CLIENT_CPU.add(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
        }
      }, "load-" + t);
      worker.start();
      workers[t] = worker;
    }
    for (Thread worker : workers) {
      worker.join();
    }
    return latencies;
  }

  private static int lookup(HikariDataSource pool, int id) throws SQLException {
    try (Connection connection = pool.getConnection();
        PreparedStatement lookup = connection.prepareStatement(LOOKUP)) {
      lookup.setInt(1, id);
      try (ResultSet row = lookup.executeQuery()) {
        return row.next() ? row.getInt(3) : -1;
      }
    }
  }

  /**
   * CPU time of this JVM's threads by name, numbers taken out ({@code GC Thread#0} and {@code GC Thread#1} are
   * {@code GC Thread#N}): the JVM's own threads (GC, JIT compilers, the VM thread) too, from Linux's
   * {@code /proc/self/task} (names cut to 15 characters there); empty elsewhere.
   */
  private static Map<String, Long> cpuByThreadGroup() {
    Map<String, Long> byGroup = new TreeMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException ended) {
          continue; // a thread that ended meanwhile
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        byGroup.merge(name.replaceAll("\\d+", "N"), ticks * NANOS_PER_TICK, Long::sum);
      }
    } catch (IOException | RuntimeException notLinux) {
      byGroup.clear(); // the client threads' CPU is still counted: they count their own
    }
    return byGroup;
  }

  /**
   * One {@code THREADS} line: the CPU each group of threads used in the measured run, in % of one CPU, largest first
   * (threads that ended during the run are missing, but for the client threads, which start and end within it and
   * count their own).
   */
  private static void printCpuByThreadGroup(Map<String, Long> before, Map<String, Long> after, int seconds) {
    StringBuilder line = new StringBuilder("THREADS");
    Map<String, Long> used = new TreeMap<>();
    after.forEach((group, cpu) -> used.put(group, cpu - before.getOrDefault(group, 0L)));
    used.put("load-N", CLIENT_CPU.sum());
    used.entrySet().stream()
        .filter(entry -> entry.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(entry -> line.append(String.format(Locale.ROOT, " %s=%.1f%%", entry.getKey().replace(' ', '_'),
            entry.getValue() / (seconds * 1e7))));
    System.out.println(line);
  }

  /** CPU time of this JVM, all its threads (the application's, the JIT's, the GC's, querylens'). */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * CPU time the whole machine spent busy (this JVM, PostgreSQL's backends, the kernel), from Linux's
   * {@code /proc/stat}; -1 elsewhere.
   */
  private static long machineBusyNanos() {
    try {
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i : new int[] {1, 2, 3, 6, 7}) { // user, nice, system, irq, softirq: not idle, iowait, steal, guest
        busy += Long.parseLong(fields[i]);
      }
      return busy * NANOS_PER_TICK;
    } catch (IOException | RuntimeException unavailable) {
      return -1;
    }
  }

  private static long percentile(long[] sorted, double quantile) {
    return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)];
  }
}
