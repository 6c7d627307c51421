package io.querylens.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether this JVM may load application classes from a class data sharing archive or an AOT cache
 * ({@code -XX:SharedArchiveFile}, {@code -XX:AOTCache}, ...): such classes are loaded without
 * {@code ClassLoader.defineClass}, so {@link ClassDefinitionHook} would not see them and querylens falls back to a
 * class file transformer. The JDK's default archive holds only the JDK's own classes and needs no such option.
 * Read from the command line the operating system reports and the environment variables the JVM reads options from;
 * when the command line cannot be read, or names an argument file or options file, the answer is yes.
 */
final class ClassArchives {

  /** Options that bring an archive or cache of application classes, or may hide one. */
  private static final List<String> ARCHIVE_OPTIONS = List.of(
      "SharedArchiveFile", "AOTCache", "AOTMode", "AutoCreateSharedArchive", "VMOptionsFile", "-XX:Flags=");

  private static final List<String> OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

  private ClassArchives() {}

  /** For this JVM. */
  static boolean mayLoadApplicationClasses() {
    Optional<String[]> arguments = ProcessHandle.current().info().arguments();
    return arguments.isEmpty() || mayLoadApplicationClasses(List.of(arguments.get()), System.getenv());
  }

  /**
   * @param arguments the command line after the program's name
   * @param environment the process's environment variables
   */
  static boolean mayLoadApplicationClasses(List<String> arguments, Map<String, String> environment) {
    List<String> options = new ArrayList<>(arguments);
    for (String variable : OPTION_VARIABLES) {
      String value = environment.get(variable);
      if (value != null) {
        options.add(value);
      }
    }
    for (String option : options) {
      if (option.startsWith("@")) {
        return true; // an argument file: its options are not on the command line
      }
      for (String archiveOption : ARCHIVE_OPTIONS) {
        if (option.contains(archiveOption)) {
          return true;
        }
      }
    }
    return false;
  }
}
