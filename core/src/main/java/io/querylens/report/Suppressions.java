package io.querylens.report;

import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.internal.Diagnostics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The findings a user chose not to hear about again (the {@code suppress} setting): by fingerprint, by type, by call
 * site, or by type at a call site. Entries it cannot read are named once on stderr and ignored.
 *
 * <p>Entry forms: {@code 77f68c4433480330} (a finding's fingerprint), {@code SELECT_STAR} (every finding of a type),
 * {@code N_PLUS_ONE@com.example.report.ExportJob} (a type whose call site is in that class or method),
 * {@code @com.example.report.ExportJob.export} (every type at that call site).
 */
public final class Suppressions {

  /** Suppresses nothing. */
  public static final Suppressions NONE = new Suppressions(List.of());

  private record Rule(FindingType type, String callSitePrefix) {}

  private final Set<String> fingerprints = new HashSet<>();
  private final List<Rule> rules = new ArrayList<>();

  /** Reads the entries of the {@code suppress} setting. */
  public Suppressions(List<String> entries) {
    for (String raw : entries) {
      String entry = raw.trim();
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.matches("[0-9a-fA-F]{16}")) {
        fingerprints.add(entry.toLowerCase(Locale.ROOT));
        continue;
      }
      int at = entry.indexOf('@');
      String typeName = at < 0 ? entry : entry.substring(0, at).trim();
      String prefix = at < 0 ? null : entry.substring(at + 1).trim();
      FindingType type = typeName.isEmpty() ? null : typeOf(typeName);
      if ((type == null && !typeName.isEmpty()) || (prefix != null && prefix.isEmpty())) {
        Diagnostics.say("ignoring suppress entry '" + entry + "': expected a 16-hex-digit fingerprint, a finding type "
            + "(e.g. N_PLUS_ONE), TYPE@call.site.Prefix or @call.site.Prefix");
        continue;
      }
      rules.add(new Rule(type, prefix));
    }
  }

  private static FindingType typeOf(String name) {
    try {
      return FindingType.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException unknown) {
      return null;
    }
  }

  /** Whether nothing is suppressed. */
  public boolean isEmpty() {
    return fingerprints.isEmpty() && rules.isEmpty();
  }

  /** Whether {@code finding} is one the user asked not to hear about. */
  public boolean suppresses(Finding finding) {
    if (!fingerprints.isEmpty() && fingerprints.contains(finding.fingerprint())) {
      return true;
    }
    for (Rule rule : rules) {
      if ((rule.type() == null || rule.type() == finding.type())
          && (rule.callSitePrefix() == null || isWithin(finding.callSite(), rule.callSitePrefix()))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code callSite} ({@code com.example.A.b(A.java:1)}) is in the class, method or package {@code prefix}
   * names: the prefix ends where a name ends, so {@code com.example.Export} does not take in {@code ExportJob}.
   */
  static boolean isWithin(String callSite, String prefix) {
    if (!callSite.startsWith(prefix)) {
      return false;
    }
    if (callSite.length() == prefix.length()) {
      return true;
    }
    char next = callSite.charAt(prefix.length());
    return next == '.' || next == '(' || next == '$';
  }
}
