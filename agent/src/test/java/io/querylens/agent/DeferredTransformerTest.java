package io.querylens.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.jdbcshapes.ExtendsAnImplementation;
import com.example.jdbcshapes.ImplementsJdbc;
import com.example.jdbcshapes.JdbcInterface;
import com.example.jdbcshapes.UsesJdbcTypes;
import io.querylens.internal.Diagnostics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.instrument.ClassFileTransformer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The transformer registered at JVM start while Byte Buddy's is built on a thread of its own: what querylens never
 * instruments passes at once, a class that may need instrumenting waits for the build and is then handed over, and a
 * build that fails leaves every class as it is.
 */
class DeferredTransformerTest {

  private static final byte[] NAMES_JDBC = "..java/sql/Connection..".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NAMES_NOTHING = "..java/util/List..".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TRANSFORMED = {1, 2, 3};
  private static final ClassLoader APP = DeferredTransformerTest.class.getClassLoader();

  private final ByteArrayOutputStream said = new ByteArrayOutputStream();
  private final CountDownLatch release = new CountDownLatch(1);
  private final TransformerSetup setup = new TransformerSetup(() -> null);
  private final DeferredTransformer deferred = new DeferredTransformer(new JdbcClassFilter(Set.of()), setup);

  @BeforeEach
  void captureDiagnostics() {
    Diagnostics.reset();
    Diagnostics.redirect(new PrintStream(said, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    release.countDown();
    Diagnostics.reset();
    Diagnostics.redirect(null);
  }

  /** A build that finishes when the test releases it, with a transformer that transforms everything. */
  private void buildSlowly() {
    setup.setUpInBackground(() -> {
      try {
        release.await();
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      return new ClassFileTransformer() {
        @Override
        public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined,
            java.security.ProtectionDomain domain, byte[] classFile) {
          return TRANSFORMED;
        }
      };
    }, () -> { });
  }

  private byte[] transform(ClassLoader loader, String name, byte[] classFile) throws Exception {
    return deferred.transform(APP.getUnnamedModule(), loader, name, null, null, classFile);
  }

  @Test
  void whatQuerylensNeverInstrumentsPassesWithoutWaitingForTheBuild() throws Exception {
    buildSlowly();

    assertThat(transform(APP, "com/example/Plain", NAMES_NOTHING)).isNull();
    assertThat(transform(null, "com/example/Boot", NAMES_JDBC)).isNull();
    assertThat(transform(ClassLoader.getPlatformClassLoader(), "com/example/Platform", NAMES_JDBC)).isNull();
    assertThat(transform(APP, "java/sql/Timestamp", NAMES_JDBC)).isNull();
    assertThat(transform(APP, "sun/jdbc/Thing", NAMES_JDBC)).isNull();
    assertThat(transform(APP, "io/querylens/agent/Own", NAMES_JDBC)).isNull();
    assertThat(transform(APP, internalName(UsesJdbcTypes.class), classFile(UsesJdbcTypes.class)))
        .as("names java/sql/ types, implements no JDBC interface").isNull();
    assertThat(transform(APP, internalName(JdbcInterface.class), classFile(JdbcInterface.class)))
        .as("an interface").isNull();
  }

  @Test
  void aClassImplementingAJdbcInterfaceGoesToByteBuddy() throws Exception {
    buildSlowly();
    release.countDown();

    assertThat(transform(APP, internalName(ImplementsJdbc.class), classFile(ImplementsJdbc.class)))
        .isEqualTo(TRANSFORMED);
    assertThat(transform(APP, internalName(ExtendsAnImplementation.class), classFile(ExtendsAnImplementation.class)))
        .isEqualTo(TRANSFORMED);
  }

  private static String internalName(Class<?> type) {
    return type.getName().replace('.', '/');
  }

  private static byte[] classFile(Class<?> type) throws java.io.IOException {
    try (java.io.InputStream in = APP.getResourceAsStream(internalName(type) + ".class")) {
      return in.readAllBytes();
    }
  }

  @Test
  void aClassThatMayNeedInstrumentingWaitsForTheBuildAndIsHandedOver() throws Exception {
    buildSlowly();

    CompletableFuture<byte[]> loading = CompletableFuture.supplyAsync(() -> {
      try {
        return transform(APP, "com/example/OrderDao", NAMES_JDBC);
      } catch (Exception failed) {
        throw new IllegalStateException(failed);
      }
    });
    Assertions.assertThatThrownBy(() -> loading.get(200, TimeUnit.MILLISECONDS))
        .as("waits while the build runs").isInstanceOf(TimeoutException.class);

    release.countDown();
    assertThat(loading.get(10, TimeUnit.SECONDS)).isEqualTo(TRANSFORMED);
    assertThat(transform(APP, "com/example/UserDao", NAMES_JDBC)).isEqualTo(TRANSFORMED);
  }

  @Test
  void aBuildThatFailsLeavesEveryClassAsItIsAndSaysSoOnce() throws Exception {
    setup.setUpInBackground(() -> {
      throw new IllegalStateException("no Byte Buddy today");
    }, () -> { });

    assertThat(transform(APP, "com/example/OrderDao", NAMES_JDBC)).isNull();
    assertThat(transform(APP, "com/example/UserDao", NAMES_JDBC)).isNull();
    assertThat(Diagnostics.errorCounts()).containsOnlyKeys("setting up the instrumentation (JDBC is not watched)");
    assertThat(said.toString(StandardCharsets.UTF_8)).contains("no Byte Buddy today");
  }
}
