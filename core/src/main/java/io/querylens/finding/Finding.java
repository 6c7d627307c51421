package io.querylens.finding;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One reported problem: the single finding model every detector produces and every sink consumes. Immutable.
 *
 * <p>{@link #sql()} is a statement shape and holds no literal or bind value; raw SQL and parameters appear only in
 * {@link #details()}, and only when {@code log.parameters=true}.
 */
public final class Finding {

  private final FindingType type;
  private final Severity severity;
  private final String detectorId;
  private final String sql;
  private final List<String> tables;
  private final List<String> columns;
  private final String callSite;
  private final long count;
  private final String message;
  private final String suggestion;
  private final String problemKey;
  private final Instant time;
  private final Map<String, Object> details;

  private Finding(Builder builder) {
    this.type = Objects.requireNonNull(builder.type, "type");
    this.severity = Objects.requireNonNull(builder.severity, "severity");
    this.detectorId = Objects.requireNonNull(builder.detectorId, "detectorId");
    this.sql = builder.sql == null ? "" : builder.sql;
    this.tables = List.copyOf(builder.tables);
    this.columns = List.copyOf(builder.columns);
    this.callSite = builder.callSite == null ? "" : builder.callSite;
    this.count = builder.count;
    this.message = builder.message == null ? "" : builder.message;
    this.suggestion = builder.suggestion == null ? "" : builder.suggestion;
    this.problemKey = builder.problemKey == null ? "" : builder.problemKey;
    this.time = builder.time == null ? Instant.now() : builder.time;
    this.details = Collections.unmodifiableMap(new LinkedHashMap<>(builder.details));
  }

  public static Builder builder(FindingType type, Severity severity, String detectorId) {
    return new Builder(type, severity, detectorId);
  }

  /** A builder holding everything this finding holds, at {@code newSeverity}. */
  public Builder toBuilder(Severity newSeverity) {
    Builder builder = new Builder(type, newSeverity, detectorId).sql(sql).tables(tables).columns(columns)
        .callSite(callSite).count(count).message(message).suggestion(suggestion).problemKey(problemKey).time(time);
    builder.details.putAll(details);
    return builder;
  }

  public FindingType type() {
    return type;
  }

  public Severity severity() {
    return severity;
  }

  /** The stable id of the detector that found it, e.g. {@code n-plus-one}; also the logger name's suffix. */
  public String detectorId() {
    return detectorId;
  }

  /** The normalized statement shape. */
  public String sql() {
    return sql;
  }

  /** Tables, lower case, unquoted, schema dropped. */
  public List<String> tables() {
    return tables;
  }

  /** The columns the finding is about (filter columns for most types), lower case. */
  public List<String> columns() {
    return columns;
  }

  /** The first application frame, {@code class.method(File.java:line)}. */
  public String callSite() {
    return callSite;
  }

  /** How many executions (or episodes) the finding covers. */
  public long count() {
    return count;
  }

  /** One line saying what happened. */
  public String message() {
    return message;
  }

  /** How to fix it. */
  public String suggestion() {
    return suggestion;
  }

  /** Identifies the distinct problem: equal keys are the same problem seen again. */
  public String problemKey() {
    return problemKey;
  }

  /**
   * A stable 16-hex-digit id of the problem (a hash of its key: type, shape, call site, unit kind), equal across runs
   * for the same problem: what the report's {@code fingerprint} field and the {@code suppress} setting use.
   */
  public String fingerprint() {
    long hash = 0xcbf29ce484222325L;
    for (int i = 0; i < problemKey.length(); i++) {
      hash ^= problemKey.charAt(i);
      hash *= 0x100000001b3L;
    }
    return String.format(java.util.Locale.ROOT, "%016x", hash);
  }

  public Instant time() {
    return time;
  }

  /** Further fields, in a stable order (numbers, strings, booleans, lists of strings). */
  public Map<String, Object> details() {
    return details;
  }

  @Override
  public String toString() {
    return type + " " + severity + " " + message;
  }

  /** This finding in {@code java.base} types only (enums by name, time in epoch milliseconds), see {@link #fromMap}. */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("type", type.name());
    map.put("severity", severity.name());
    map.put("detector", detectorId);
    map.put("sql", sql);
    map.put("tables", tables);
    map.put("columns", columns);
    map.put("callSite", callSite);
    map.put("count", count);
    map.put("message", message);
    map.put("suggestion", suggestion);
    map.put("problemKey", problemKey);
    map.put("time", time.toEpochMilli());
    map.put("details", details);
    return map;
  }

  /**
   * The finding {@link #toMap} made, possibly by another copy of querylens (the agent's).
   *
   * @throws IllegalArgumentException for a type or severity this copy does not know
   */
  @SuppressWarnings("unchecked")
  public static Finding fromMap(Map<String, ?> map) {
    Builder builder = builder(FindingType.valueOf((String) map.get("type")),
        Severity.valueOf((String) map.get("severity")), (String) map.get("detector"))
        .sql((String) map.get("sql"))
        .tables((List<String>) map.get("tables"))
        .columns((List<String>) map.get("columns"))
        .callSite((String) map.get("callSite"))
        .count(((Number) map.get("count")).longValue())
        .message((String) map.get("message"))
        .suggestion((String) map.get("suggestion"))
        .problemKey((String) map.get("problemKey"))
        .time(Instant.ofEpochMilli(((Number) map.get("time")).longValue()));
    Object details = map.get("details");
    if (details instanceof Map<?, ?> entries) {
      entries.forEach((key, value) -> builder.detail(String.valueOf(key), value));
    }
    return builder.build();
  }

  /** Builds a {@link Finding}. */
  public static final class Builder {
    private final FindingType type;
    private final Severity severity;
    private final String detectorId;
    private String sql;
    private List<String> tables = List.of();
    private List<String> columns = List.of();
    private String callSite;
    private long count;
    private String message;
    private String suggestion;
    private String problemKey;
    private Instant time;
    private final Map<String, Object> details = new LinkedHashMap<>();

    private Builder(FindingType type, Severity severity, String detectorId) {
      this.type = type;
      this.severity = severity;
      this.detectorId = detectorId;
    }

    public Builder sql(String value) {
      sql = value;
      return this;
    }

    public Builder tables(List<String> value) {
      tables = value;
      return this;
    }

    public Builder columns(List<String> value) {
      columns = value;
      return this;
    }

    public Builder callSite(String value) {
      callSite = value;
      return this;
    }

    public Builder count(long value) {
      count = value;
      return this;
    }

    public Builder message(String value) {
      message = value;
      return this;
    }

    public Builder suggestion(String value) {
      suggestion = value;
      return this;
    }

    public Builder problemKey(String value) {
      problemKey = value;
      return this;
    }

    public Builder time(Instant value) {
      time = value;
      return this;
    }

    /** Adds a detail field; null values are left out. */
    public Builder detail(String key, Object value) {
      if (value != null) {
        details.put(key, value);
      }
      return this;
    }

    public Finding build() {
      return new Finding(this);
    }
  }
}
