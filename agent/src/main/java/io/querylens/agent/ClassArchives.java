package io.querylens.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether this JVM may load application classes from a class data sharing archive or an AOT cache
 * ({@code -XX:SharedArchiveFile}, {@code -XX:AOTCache}, ...): such classes are loaded without
 * {@code ClassLoader.defineClass}, so {@link ClassDefinitionHook} would not see them and querylens falls back to a
 * class file transformer. The JDK's default archive holds only the JDK's own classes and needs no such option.
 *
 * <p>Read from the command line the operating system reports, the argument files it names and the environment
 * variables the JVM reads options from. The answer is yes whenever the options cannot all be seen from here: no
 * command line (on Windows the JDK gives none), a program that is not the {@code java}
 * launcher (jpackage, jsvc and other native launchers pass options the command line does not show), an argument file
 * that cannot be read, an options file ({@code -XX:VMOptionsFile}, {@code -XX:Flags}).
 */
final class ClassArchives {

  /** Options that bring an archive or cache of application classes, or may hide one. */
  private static final List<String> ARCHIVE_OPTIONS = List.of(
      "SharedArchiveFile", "AOTCache", "AOTMode", "AutoCreateSharedArchive", "VMOptionsFile", "-XX:Flags=");

  private static final List<String> OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

  private static final long MAX_ARGUMENT_FILE_BYTES = 1 << 20;

  private ClassArchives() {}

  /** For this JVM; yes when anything about it cannot be read. */
  static boolean mayLoadApplicationClasses() {
    try {
      List<String> commandLine = commandLine();
      if (commandLine.isEmpty()) {
        return true;
      }
      String program = Path.of(commandLine.get(0)).getFileName().toString();
      return !(program.equals("java") || program.equals("java.exe"))
          || System.getProperty("jpackage.app-path") != null
          || mayLoadApplicationClasses(commandLine.subList(1, commandLine.size()), System.getenv());
    } catch (RuntimeException | Error unknown) {
      return true;
    }
  }

  /**
   * The program and its arguments: on Linux read whole from {@code /proc/self/cmdline} (the JDK's process information
   * reads one page of it, and gives no arguments for a longer command line, as a long class path makes); elsewhere
   * from the JDK's process information. Empty when unknown.
   */
  private static List<String> commandLine() {
    Path proc = Path.of("/proc/self/cmdline");
    if (Files.isReadable(proc)) {
      try {
        String all = new String(Files.readAllBytes(proc), StandardCharsets.UTF_8);
        return all.isEmpty() ? List.of() : List.of(all.split("\0"));
      } catch (IOException unreadable) {
        return List.of();
      }
    }
    ProcessHandle.Info process = ProcessHandle.current().info();
    Optional<String> command = process.command();
    Optional<String[]> arguments = process.arguments();
    if (command.isEmpty() || arguments.isEmpty()) {
      return List.of();
    }
    List<String> commandLine = new ArrayList<>();
    commandLine.add(command.get());
    commandLine.addAll(List.of(arguments.get()));
    return commandLine;
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
        options.addAll(List.of(value.trim().split("\\s+")));
      }
    }
    for (String option : options) {
      if (option.startsWith("@") && option.length() > 1 && namesArchive(argumentFile(option.substring(1)))) {
        return true;
      }
      if (namesArchive(option)) {
        return true;
      }
    }
    return false;
  }

  private static boolean namesArchive(String text) {
    if (text == null) {
      return true; // an argument file that cannot be read
    }
    for (String archiveOption : ARCHIVE_OPTIONS) {
      if (text.contains(archiveOption)) {
        return true;
      }
    }
    return false;
  }

  /** An argument file's text, or null if it cannot be read (or is too large to be one). */
  private static String argumentFile(String path) {
    try {
      Path file = Path.of(path);
      return Files.size(file) > MAX_ARGUMENT_FILE_BYTES ? null
          : new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException unreadable) {
      return null;
    }
  }
}
