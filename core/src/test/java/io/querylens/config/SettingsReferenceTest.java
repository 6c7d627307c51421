package io.querylens.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md lists every setting exactly as the code defines it. */
class SettingsReferenceTest {

  private static final String BEGIN = "<!-- settings table: generated from Settings.java by SettingsReference -->\n";
  private static final String END = "<!-- end of settings table -->";

  @Test
  void theDocumentedSettingsTableIsTheOneTheCodeGenerates() throws Exception {
    String docs = Files.readString(Path.of("..", "docs", "configuration.md"));
    int begin = docs.indexOf(BEGIN);
    int end = docs.indexOf(END);
    assertThat(begin).as("docs/configuration.md has the generated-table markers").isNotNegative();
    String documented = docs.substring(begin + BEGIN.length(), end);
    assertThat(documented)
        .as("docs/configuration.md is out of date; replace the table between the markers with the output of "
            + "io.querylens.config.SettingsReference")
        .isEqualTo(SettingsReference.markdownTable());
  }

  @Test
  void everySettingDeclaredIsListedSoThatItCanBeConfigured() throws Exception {
    for (java.lang.reflect.Field field : Settings.class.getFields()) {
      if (field.getType() == Setting.class) {
        assertThat(Settings.ALL).as(field.getName() + " is in Settings.ALL").contains((Setting<?>) field.get(null));
      }
    }
  }
}
