package io.querylens.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Reads settings from their three sources; a later source wins: the properties file ({@code querylens.properties} in
 * the working directory, or the file named by {@code config=}) &lt; system properties ({@code -Dquerylens.key=value})
 * &lt; agent arguments ({@code -javaagent:querylens-agent.jar=key=value,key=value}).
 *
 * <p>Never throws: an unreadable file, an unknown key or a bad value becomes one line in
 * {@link QueryLensConfig#problems()} and the default (or an earlier source's value) stays.
 */
public final class ConfigLoader {

  /** Prefix of querylens system properties. */
  public static final String PROPERTY_PREFIX = "querylens.";

  /** File read from the working directory when {@code config} is not given. */
  public static final String DEFAULT_FILE = "querylens.properties";

  private ConfigLoader() {}

  /** Loads from the real system properties and working directory. */
  public static QueryLensConfig load(String agentArguments) {
    return load(agentArguments, System.getProperties(), Path.of(""));
  }

  /** Loads from the given sources. */
  public static QueryLensConfig load(String agentArguments, Properties systemProperties, Path workingDirectory) {
    QueryLensConfig.Builder builder = QueryLensConfig.builder();
    Map<String, String> arguments = parseAgentArguments(agentArguments, builder);
    Map<String, String> properties = new TreeMap<>();
    for (String name : systemProperties.stringPropertyNames()) {
      if (name.startsWith(PROPERTY_PREFIX)) {
        properties.put(name.substring(PROPERTY_PREFIX.length()), systemProperties.getProperty(name));
      }
    }

    String configFile = arguments.getOrDefault(Settings.CONFIG.key(), properties.get(Settings.CONFIG.key()));
    Path file = configFile != null ? Path.of(configFile) : workingDirectory.resolve(DEFAULT_FILE);
    if (configFile != null || Files.isRegularFile(file)) {
      readFile(file, builder);
    }
    properties.forEach((key, value) -> builder.setText(key, value, "-D" + PROPERTY_PREFIX + key));
    arguments.forEach((key, value) -> builder.setText(key, value, "the agent arguments"));
    return builder.build();
  }

  private static void readFile(Path file, QueryLensConfig.Builder builder) {
    Properties fromFile = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      fromFile.load(reader);
    } catch (IOException | RuntimeException unreadable) {
      builder.problem("cannot read settings file " + file.toAbsolutePath() + " (" + unreadable
          + "); its settings are ignored");
      return;
    }
    toMap(fromFile).forEach((key, value) -> builder.setText(key, value, file.toString()));
  }

  private static Map<String, String> toMap(Properties properties) {
    Map<String, String> map = new TreeMap<>();
    for (String name : properties.stringPropertyNames()) {
      map.put(name.startsWith(PROPERTY_PREFIX) ? name.substring(PROPERTY_PREFIX.length()) : name,
          properties.getProperty(name));
    }
    return map;
  }

  /** Splits {@code key=value,key=value}; a part without {@code =} is a problem line. */
  static Map<String, String> parseAgentArguments(String arguments, QueryLensConfig.Builder builder) {
    Map<String, String> result = new TreeMap<>();
    if (arguments == null || arguments.isBlank()) {
      return result;
    }
    for (String part : arguments.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int equals = part.indexOf('=');
      if (equals <= 0) {
        builder.problem("ignoring agent argument '" + part.trim() + "': expected key=value");
        continue;
      }
      result.put(part.substring(0, equals).trim(), part.substring(equals + 1).trim());
    }
    return result;
  }
}
