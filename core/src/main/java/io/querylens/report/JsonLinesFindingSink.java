package io.querylens.report;

import io.querylens.finding.Finding;
import io.querylens.internal.Diagnostics;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Appends each finding to a file as one JSON object per line, flushed as it is written (the {@code report=} setting).
 * The format is the outside contract ({@code CONTRACT.md}): {@code type, severity, sql, tables, columns, callSite,
 * count, message, suggestion}, then querylens' own fields. A new file is created readable by its owner only.
 */
public final class JsonLinesFindingSink implements FindingSink {

  private final Path path;
  private OutputStream out;
  private boolean failed;

  /** Opens (creating if needed) {@code path} for appending; on failure says so once and writes nothing. */
  public JsonLinesFindingSink(Path path) {
    this.path = path;
    try {
      Path parent = path.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      if (!Files.exists(path) && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      out = Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
          StandardOpenOption.WRITE);
    } catch (IOException | RuntimeException cannotOpen) {
      failed = true;
      Diagnostics.say("cannot write the report file " + path.toAbsolutePath() + " (" + cannotOpen
          + "); findings still go to the log");
    }
  }

  @Override
  public void accept(Finding finding) {
    if (failed) {
      return;
    }
    try {
      out.write((toJson(finding) + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException | RuntimeException cannotWrite) {
      failed = true;
      Diagnostics.say("stopped writing the report file " + path.toAbsolutePath() + " (" + cannotWrite
          + "); findings still go to the log");
    }
  }

  /** One finding as one line of JSON. */
  public static String toJson(Finding finding) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("type", finding.type().name());
    fields.put("severity", finding.severity().name());
    fields.put("sql", finding.sql());
    fields.put("tables", finding.tables());
    fields.put("columns", finding.columns());
    fields.put("callSite", finding.callSite());
    fields.put("count", finding.count());
    fields.put("message", finding.message());
    fields.put("suggestion", finding.suggestion());
    fields.put("detector", finding.detectorId());
    fields.put("time", finding.time().toString());
    fields.put("fingerprint", finding.fingerprint());
    finding.details().forEach(fields::putIfAbsent);
    StringBuilder line = new StringBuilder(512);
    Json.value(line, fields);
    return line.toString();
  }

  @Override
  public void close() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException ignored) {
        // Already flushed after every line.
      }
    }
  }
}
