package io.querylens.sql;

import io.querylens.internal.Diagnostics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Resolves raw SQL to interned {@link StatementShape}s.
 *
 * <p>Hot path: a direct-mapped cache indexed by the raw string's hash answers repeated SQL with one array read and
 * usually a reference comparison (drivers and ORMs reuse the same String instances). A miss normalizes (one linear
 * pass) and interns the shape. Both structures are bounded: the cache by construction (a colliding entry replaces
 * the old one), the shapes by {@code shapes.max} (later shapes share one overflow placeholder).
 */
public final class ShapeRegistry {

  private static final int CACHE_SIZE = 8192;
  /** Longer raw SQL is not cached: it is rare, and pinning it would cost memory for little gain. */
  private static final int MAX_CACHED_LENGTH = 8 * 1024;
  /** Raw SQL up to this length is always cached; longer SQL only while {@link #MAX_CACHED_CHARS} allows. */
  private static final int SMALL_SQL = 512;
  /** Characters of long raw SQL the cache may pin at once (about 8 MB). */
  private static final long MAX_CACHED_CHARS = 4L * 1024 * 1024;

  private final SqlNormalizer normalizer;
  private final int maxShapes;
  private final Consumer<StatementShape> onNewShape;
  private final ResolvedSql[] cache = new ResolvedSql[CACHE_SIZE];
  private final ConcurrentHashMap<String, StatementShape> shapesBySql = new ConcurrentHashMap<>();
  private final AtomicInteger nextId = new AtomicInteger(1);
  /** Characters of long SQL held by the cache; updated racily, which only blurs the bound a little. */
  private final AtomicLong cachedLongChars = new AtomicLong();
  private final StatementShape unknown;
  private final StatementShape overflow;

  /**
   * @param onNewShape told about each new shape once, on the thread that met it; must be quick (it queues analysis)
   */
  public ShapeRegistry(SqlNormalizer normalizer, int maxShapes, Consumer<StatementShape> onNewShape) {
    this.normalizer = normalizer;
    this.maxShapes = maxShapes;
    this.onNewShape = onNewShape;
    this.unknown = new StatementShape(-1, "<statement prepared before querylens saw its SQL>", StatementKind.OTHER,
        true);
    this.overflow = new StatementShape(-2, "<other statements: shapes.max reached>", StatementKind.OTHER, true);
  }

  /** Resolves {@code raw} (never null) to its shape. */
  public ResolvedSql resolve(String raw) {
    int index = spread(raw.hashCode()) & (CACHE_SIZE - 1);
    ResolvedSql cached = cache[index];
    if (cached != null && (cached.raw() == raw || cached.raw().equals(raw))) {
      return cached;
    }
    NormalizedSql normalized = normalizer.normalize(raw);
    StatementShape shape = intern(normalized);
    ResolvedSql resolved = new ResolvedSql(raw, shape, normalized.literalHash(), normalized.multiValued(),
        normalized.listItems(), normalized.kind(), shape.isPlaceholder() ? normalized.shape() : null);
    cacheIfAffordable(index, cached, resolved);
    return resolved;
  }

  private void cacheIfAffordable(int index, ResolvedSql replaced, ResolvedSql resolved) {
    int length = resolved.raw().length();
    if (length > MAX_CACHED_LENGTH) {
      return;
    }
    if (length > SMALL_SQL) {
      if (cachedLongChars.get() + length > MAX_CACHED_CHARS) {
        return;
      }
      cachedLongChars.addAndGet(length);
    }
    cache[index] = resolved;
    if (replaced != null && replaced.raw().length() > SMALL_SQL) {
      cachedLongChars.addAndGet(-replaced.raw().length());
    }
  }

  /** The placeholder for statements whose SQL querylens never saw. */
  public StatementShape unknown() {
    return unknown;
  }

  /** Every interned shape (placeholders excluded), in no particular order. */
  public List<StatementShape> shapes() {
    return new ArrayList<>(shapesBySql.values());
  }

  /** Shapes plus the placeholders that were used. */
  public List<StatementShape> shapesWithPlaceholders() {
    List<StatementShape> all = shapes();
    if (unknown.stats().snapshot().executions() > 0) {
      all.add(unknown);
    }
    if (overflow.stats().snapshot().executions() > 0) {
      all.add(overflow);
    }
    return all;
  }

  private StatementShape intern(NormalizedSql normalized) {
    StatementShape shape = shapesBySql.get(normalized.shape());
    if (shape != null) {
      return shape;
    }
    if (shapesBySql.size() >= maxShapes) {
      Diagnostics.dropped("statement shapes", "more than " + maxShapes
          + " distinct statement shapes; the rest are counted together as one (raise shapes.max)");
      return overflow;
    }
    StatementShape created =
        new StatementShape(nextId.getAndIncrement(), normalized.shape(), normalized.kind(), false);
    shape = shapesBySql.putIfAbsent(normalized.shape(), created);
    if (shape != null) {
      return shape;
    }
    onNewShape.accept(created);
    return created;
  }

  private static int spread(int hash) {
    return hash ^ (hash >>> 16);
  }
}
