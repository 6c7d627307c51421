package io.querylens.agent;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The start-up shortcuts ({@link JdbcClassFilter}, {@link JdbcSupertypes}) checked against every class of real
 * drivers, pools and an ORM: they must decline no class that Byte Buddy's own hierarchy matching would instrument.
 */
class JdbcClassFilterTest {

  private static final Set<String> ADVISED = Set.of("execute", "executeQuery", "executeUpdate", "executeLargeUpdate",
      "executeBatch", "executeLargeBatch", "addBatch", "clearBatch", "close", "prepareStatement", "prepareCall",
      "setAutoCommit", "commit", "rollback", "clearParameters", "getConnection", "connect");

  @ParameterizedTest
  @ValueSource(strings = {"org.h2.Driver", "org.postgresql.Driver", "com.zaxxer.hikari.HikariDataSource",
      "org.apache.commons.dbcp2.BasicDataSource"})
  void everyJdbcImplementationInTheJarIsLookedAtAndClassifiedLikeByteBuddyWould(String classInJar) throws Exception {
    Path jar = jarOf(Class.forName(classInJar));
    JdbcClassFilter prefilter = new JdbcClassFilter(Set.of());
    TypePool pool = TypePool.Default.of(ClassFileLocator.ForClassLoader.ofSystemLoader());
    List<String> implementations = new ArrayList<>();
    try (JarFile file = new JarFile(jar.toFile())) {
      for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
        JarEntry entry = entries.nextElement();
        String name = entry.getName();
        if (!name.endsWith(".class") || name.contains("-") || name.startsWith("META-INF/")) {
          continue;
        }
        String internalName = name.substring(0, name.length() - ".class".length());
        TypePool.Resolution resolution = pool.describe(internalName.replace('/', '.'));
        if (!resolution.isResolved()) {
          continue;
        }
        TypeDescription type = resolution.resolve();
        int expected;
        try {
          expected = (hasSuperType(named("java.sql.Statement")).matches(type) ? JdbcSupertypes.STATEMENT : 0)
              | (hasSuperType(named("java.sql.PreparedStatement")).matches(type)
                  ? JdbcSupertypes.PREPARED_STATEMENT : 0)
              | (hasSuperType(named("java.sql.Connection")).matches(type) ? JdbcSupertypes.CONNECTION : 0)
              | (hasSuperType(named("javax.sql.DataSource")).matches(type) ? JdbcSupertypes.DATA_SOURCE : 0)
              | (hasSuperType(named("java.sql.Driver")).matches(type) ? JdbcSupertypes.DRIVER : 0);
        } catch (RuntimeException optionalDependencyMissing) {
          continue;
        }
        byte[] classFile;
        try (InputStream in = file.getInputStream(entry)) {
          classFile = in.readAllBytes();
        }
        ClassHeader header = ClassHeader.read(classFile);
        assertThat(header.isInterface()).as(internalName).isEqualTo(type.isInterface());
        assertThat(JdbcSupertypes.of(header, ClassLoader.getSystemClassLoader())).as(internalName)
            .isIn(expected, -1);
        assertThat(JdbcSupertypes.of(type, ClassLoader.getSystemClassLoader())).as(internalName).isEqualTo(expected);
        if (expected != 0 && !type.isInterface() && declaresAdvisedMethod(type)) {
          implementations.add(internalName);
          assertThat(prefilter.worthALook(internalName, classFile)).as(internalName).isTrue();
        }
      }
    }
    assertThat(implementations).as("JDBC implementations found in " + jar).isNotEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"org.slf4j.LoggerFactory", "org.junit.jupiter.api.Test", "java.lang.String"})
  void classesThatNameNoJdbcTypeAreDeclined(String className) throws IOException {
    String internalName = className.replace('.', '/');
    byte[] classFile;
    try (InputStream in = ClassLoader.getSystemResourceAsStream(internalName + ".class")) {
      classFile = in.readAllBytes();
    }
    assertThat(new JdbcClassFilter(Set.of()).worthALook(internalName, classFile)).isFalse();
    assertThat(new JdbcClassFilter(Set.of(internalName)).worthALook(internalName, classFile)).isTrue();
  }

  private static boolean declaresAdvisedMethod(TypeDescription type) {
    for (MethodDescription.InDefinedShape method : type.getDeclaredMethods()) {
      if (!method.isAbstract() && (ADVISED.contains(method.getName()) || method.getName().startsWith("set"))) {
        return true;
      }
    }
    return false;
  }

  private static Path jarOf(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void theSkipSearchFindsJavaSqlExactlyWhereAPlainScanDoes() {
    byte[] needle = "java/sql/".getBytes(US_ASCII);
    byte[] alphabet = "java/sqlljv/.".getBytes(US_ASCII); // near misses abound
    Random random = new Random(42);
    int found = 0;
    for (int sample = 0; sample < 200_000; sample++) {
      byte[] bytes = new byte[random.nextInt(40)];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = alphabet[random.nextInt(alphabet.length)];
      }
      if (bytes.length >= needle.length && random.nextInt(4) == 0) {
        System.arraycopy(needle, 0, bytes, random.nextInt(bytes.length - needle.length + 1), needle.length);
      }
      boolean expected = plainScan(bytes, needle);
      found += expected ? 1 : 0;
      assertThat(JdbcClassFilter.namesJavaSql(bytes)).as(new String(bytes, US_ASCII))
          .isEqualTo(expected);
    }
    assertThat(found).isGreaterThan(10_000);
  }

  private static boolean plainScan(byte[] haystack, byte[] needle) {
    for (int at = 0; at + needle.length <= haystack.length; at++) {
      if (Arrays.equals(haystack, at, at + needle.length, needle, 0, needle.length)) {
        return true;
      }
    }
    return false;
  }
}
