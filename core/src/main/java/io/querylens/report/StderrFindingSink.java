package io.querylens.report;

import io.querylens.finding.Finding;
import io.querylens.internal.Diagnostics;

/** Writes findings to stderr: for applications without SLF4J, and for findings that outlived the application's logging. */
public final class StderrFindingSink implements FindingSink {

  @Override
  public void accept(Finding finding) {
    Diagnostics.say(line(finding));
  }

  @Override
  public void note(String logger, String text) {
    Diagnostics.say("INFO " + logger + " - " + text);
  }

  @Override
  public void summary(RunSummary summary) {
    Diagnostics.say("INFO querylens.summary - " + summary.text());
  }

  /** {@code WARN querylens.n-plus-one - message suggestion}. */
  static String line(Finding finding) {
    return finding.severity() + " querylens." + finding.detectorId() + " - " + Slf4jFindingSink.text(finding);
  }
}
