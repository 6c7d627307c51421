package io.querylens.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An immutable set of setting values; settings not given have their defaults. */
public final class QueryLensConfig {

  private final Map<Setting<?>, Object> values;
  private final List<String> problems;

  private QueryLensConfig(Map<Setting<?>, Object> values, List<String> problems) {
    this.values = Map.copyOf(values);
    this.problems = List.copyOf(problems);
  }

  /** All defaults. */
  public static QueryLensConfig defaults() {
    return new QueryLensConfig(Map.of(), List.of());
  }

  /** A builder starting from the defaults (tests, library use). */
  public static Builder builder() {
    return new Builder();
  }

  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> setting) {
    Object value = values.get(setting);
    return value == null ? setting.defaultValue() : (T) value;
  }

  /** Whether {@code setting} was given explicitly. */
  public boolean isSet(Setting<?> setting) {
    return values.containsKey(setting);
  }

  /** One line per unknown key or bad value met while loading; each was ignored. */
  public List<String> problems() {
    return problems;
  }

  /** A copy with {@code setting} set to {@code value}. */
  public <T> QueryLensConfig with(Setting<T> setting, T value) {
    Map<Setting<?>, Object> copy = new HashMap<>(values);
    copy.put(setting, value);
    return new QueryLensConfig(copy, problems);
  }

  /** Builds a {@link QueryLensConfig}; text values are checked like any other source. */
  public static final class Builder {
    private final Map<Setting<?>, Object> values = new HashMap<>();
    private final List<String> problems = new ArrayList<>();

    public <T> Builder set(Setting<T> setting, T value) {
      values.put(setting, value);
      return this;
    }

    /**
     * Sets {@code key} from text, as read from {@code source}. An unknown key or a bad value adds one problem line
     * and leaves the setting as it was.
     */
    public Builder setText(String key, String text, String source) {
      Setting<?> setting = Settings.byKey(key);
      if (setting == null) {
        problems.add("ignoring unknown setting '" + key + "' from " + source + "; known settings: "
            + String.join(", ", Settings.ALL.stream().map(Setting::key).toList()));
        return this;
      }
      try {
        values.put(setting, setting.parse(text == null ? "" : text));
      } catch (RuntimeException bad) {
        problems.add("ignoring " + key + "='" + text + "' from " + source + ": expected " + setting.allowed()
            + "; using " + (values.containsKey(setting) ? "the value from an earlier source" : "the default '"
            + setting.defaultText() + "'"));
      }
      return this;
    }

    /** Adds a problem line that is not about one key's value. */
    public Builder problem(String line) {
      problems.add(line);
      return this;
    }

    public QueryLensConfig build() {
      return new QueryLensConfig(values, problems);
    }
  }
}
