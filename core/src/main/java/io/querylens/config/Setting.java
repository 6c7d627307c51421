package io.querylens.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One configuration setting: its key, default, how a text value is read, and what it costs. {@link Settings} lists
 * every setting; the configuration reference in {@code docs/} is written from that list.
 *
 * @param <T> the value type
 */
public final class Setting<T> {

  private final String key;
  private final T defaultValue;
  private final String allowed;
  private final Function<String, T> parser;
  private final String description;
  private final String cost;

  private Setting(
      String key, T defaultValue, String allowed, Function<String, T> parser, String description, String cost) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.allowed = allowed;
    this.parser = parser;
    this.description = description;
    this.cost = cost;
  }

  /** The key, as used in agent arguments, in {@code querylens.properties} and after {@code -Dquerylens.}. */
  public String key() {
    return key;
  }

  public T defaultValue() {
    return defaultValue;
  }

  /** What values are allowed, in words. */
  public String allowed() {
    return allowed;
  }

  public String description() {
    return description;
  }

  /** What turning this up or on costs (overhead, privacy), or an empty string. */
  public String cost() {
    return cost;
  }

  /** Reads {@code text}; throws IllegalArgumentException when it is not allowed. */
  T parse(String text) {
    return parser.apply(text.trim());
  }

  /** The default as it would be written in a properties file. */
  public String defaultText() {
    if (defaultValue == null) {
      return "";
    }
    if (defaultValue instanceof List<?> list) {
      return String.join(";", list.stream().map(String::valueOf).toList());
    }
    return String.valueOf(defaultValue).toLowerCase(Locale.ROOT);
  }

  static Setting<String> text(String key, String defaultValue, String allowed, String description, String cost) {
    return new Setting<>(key, defaultValue, allowed, text -> {
      if (text.isEmpty()) {
        throw new IllegalArgumentException();
      }
      return text;
    }, description, cost);
  }

  static Setting<Long> millis(String key, long defaultValue, long min, String description, String cost) {
    return new Setting<>(key, defaultValue, "a whole number of milliseconds >= " + min,
        text -> {
          long value = Long.parseLong(text);
          if (value < min) {
            throw new IllegalArgumentException();
          }
          return value;
        }, description, cost);
  }

  static Setting<Integer> integer(String key, int defaultValue, int min, int max, String description, String cost) {
    return new Setting<>(key, defaultValue, "a whole number from " + min + " to " + max,
        text -> {
          int value = Integer.parseInt(text);
          if (value < min || value > max) {
            throw new IllegalArgumentException();
          }
          return value;
        }, description, cost);
  }

  static Setting<Boolean> flag(String key, boolean defaultValue, String description, String cost) {
    return new Setting<>(key, defaultValue, "true or false",
        text -> switch (text.toLowerCase(Locale.ROOT)) {
          case "true", "yes", "on" -> Boolean.TRUE;
          case "false", "no", "off" -> Boolean.FALSE;
          default -> throw new IllegalArgumentException();
        }, description, cost);
  }

  static Setting<List<String>> list(String key, String allowed, String description, String cost) {
    return new Setting<>(key, List.of(), allowed,
        text -> Arrays.stream(text.split(";")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
        description, cost);
  }

  static <E extends Enum<E>> Setting<E> choice(
      String key, E defaultValue, Class<E> type, String description, String cost) {
    String allowed = String.join(", ",
        Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList());
    return new Setting<>(key, defaultValue, "one of " + allowed,
        text -> Enum.valueOf(type, text.toUpperCase(Locale.ROOT)), description, cost);
  }

  @Override
  public String toString() {
    return key;
  }
}
