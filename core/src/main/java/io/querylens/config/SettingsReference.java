package io.querylens.config;

/**
 * Renders {@link Settings#ALL} as the Markdown table of {@code docs/configuration.md}, so that the documentation is
 * written from the code and a test can tell when they drift apart.
 */
public final class SettingsReference {

  private SettingsReference() {}

  /** The settings table, one row per setting, in {@link Settings#ALL} order. */
  public static String markdownTable() {
    StringBuilder table = new StringBuilder()
        .append("| key | default | allowed values | what it does | what it costs |\n")
        .append("|---|---|---|---|---|\n");
    for (Setting<?> setting : Settings.ALL) {
      table.append("| `").append(setting.key()).append("` | ")
          .append(setting.defaultText().isEmpty() ? "(none)" : "`" + setting.defaultText() + "`").append(" | ")
          .append(cell(setting.allowed())).append(" | ")
          .append(cell(setting.description())).append(" | ")
          .append(setting.cost().isEmpty() ? "-" : cell(setting.cost())).append(" |\n");
    }
    return table.toString();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|");
  }

  /** Prints the table (used to regenerate the docs). */
  public static void main(String[] args) {
    System.out.print(markdownTable());
  }
}
