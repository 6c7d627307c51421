package io.querylens.agent.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

/** Parameter sources shared by the integration tests. */
final class Scenarios {

  private Scenarios() {}

  /** Every available JDK with every available database. */
  static Stream<Arguments> jdksAndDatabases() {
    List<Arguments> combinations = new ArrayList<>();
    for (Path jdk : ForkedJvm.jdks()) {
      for (String database : Databases.all()) {
        combinations.add(Arguments.of(Named.of(jdk.getFileName().toString(), jdk),
            Named.of(Databases.label(database), database)));
      }
    }
    return combinations.stream();
  }

  /** Every available JDK. */
  static Stream<Arguments> jdks() {
    return ForkedJvm.jdks().stream().map(jdk -> Arguments.of(Named.of(jdk.getFileName().toString(), jdk)));
  }
}
