package io.querylens.report;

import io.querylens.internal.Diagnostics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The files querylens writes at shutdown beside the findings report (endpoints, shapes): where, and how. */
final class ReportFiles {

  private ReportFiles() {}

  /**
   * A file written at shutdown beside the findings report: {@code configured} if set ({@code none}: nowhere), else the
   * report's path with {@code suffix} for its {@code .jsonl}; null for nowhere, also when the report is something
   * other than a regular file ({@code /dev/stdout}, a pipe, anything under {@code /dev} or {@code /proc}): nothing is
   * written beside a device.
   */
  static Path besideReport(String configured, String findingsReport, String suffix) {
    if (configured != null && !configured.isBlank()) {
      return configured.trim().equalsIgnoreCase("none") ? null : Path.of(configured.trim());
    }
    if (findingsReport == null || findingsReport.isBlank()) {
      return null;
    }
    String base = findingsReport.trim();
    try {
      Path report = Path.of(base).toAbsolutePath();
      Path parent = report.getParent();
      boolean special = parent != null && (parent.startsWith("/dev") || parent.startsWith("/proc"));
      if (special || Files.exists(report) && !Files.isRegularFile(report)) {
        return null; // a device or a pipe (a symbolic link to a regular file is fine)
      }
    } catch (RuntimeException oddPath) {
      return null;
    }
    return Path.of((base.endsWith(".jsonl") ? base.substring(0, base.length() - 6) : base) + suffix);
  }

  /** Replaces {@code path} with {@code lines}; on failure says so in one line, naming it {@code what}. */
  static void replaceLines(Path path, List<String> lines, String what) {
    try {
      Path parent = path.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.write(path, lines, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException cannotWrite) {
      Diagnostics.say("cannot write the " + what + " " + path.toAbsolutePath() + " (" + cannotWrite + ")");
    }
  }
}
