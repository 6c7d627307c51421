package io.querylens.callsite;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.app.Generated;
import com.example.app.HomeMadeDriver;
import com.example.app.Widget;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.samples.petclinic.OwnerController;

class FrameClassifierTest {

  @TempDir Path directory;

  private final FrameClassifier byLocation = new FrameClassifier(List.of(), null);

  /** {@code template}'s bytes defined again, in a fresh loader, as if loaded from {@code location}. */
  private static Class<?> loadedFrom(Class<?> template, String location) throws Exception {
    byte[] bytes;
    String resource = template.getName().replace('.', '/') + ".class";
    try (InputStream in = template.getClassLoader().getResourceAsStream(resource)) {
      bytes = in.readAllBytes();
    }
    ProtectionDomain domain = new ProtectionDomain(new CodeSource(new URL(location), (Certificate[]) null), null);
    class Loader extends ClassLoader {
      Loader() {
        super(FrameClassifierTest.class.getClassLoader());
      }

      Class<?> define() {
        return defineClass(template.getName(), bytes, 0, bytes.length, domain);
      }
    }
    Class<?> defined = new Loader().define();
    assertThat(defined).isNotSameAs(template);
    assertThat(defined.getProtectionDomain().getCodeSource().getLocation()).hasToString(location);
    return defined;
  }

  @Test
  void appPackagesDecideAloneWhenSet() {
    FrameClassifier classifier = new FrameClassifier(List.of("com.example.", "org.springframework.samples."), null);

    assertThat(classifier.isApplication(Widget.class)).isTrue();
    assertThat(classifier.isApplication(OwnerController.class)).isTrue();
    assertThat(classifier.isApplication(FrameClassifierTest.class)).as("from a directory, but not listed").isFalse();
    assertThat(classifier.isApplication(String.class)).isFalse();
    assertThat(classifier.isApplication(org.h2.Driver.class)).isFalse();
  }

  @Test
  void appPackagesOverrideEvenWhereTheLocationWouldSayOtherwise() throws Exception {
    FrameClassifier classifier = new FrameClassifier(List.of("org.h2."), null);

    assertThat(classifier.isApplication(org.h2.Driver.class)).isTrue();
    assertThat(classifier.isApplication(Widget.class)).isFalse();
    assertThat(classifier.isApplication(loadedFrom(Widget.class, "jar:file:/srv/app.jar!/BOOT-INF/classes!/")))
        .isFalse();
  }

  @Test
  void aClassFromADirectoryIsApplicationCodeWhateverItsPackage() {
    assertThat(OwnerController.class.getProtectionDomain().getCodeSource().getLocation().toString())
        .startsWith("file:").endsWith("/");
    assertThat(byLocation.isApplication(OwnerController.class)).isTrue();
    assertThat(byLocation.isApplication(Widget.class)).isTrue();
  }

  @Test
  void jdkClassesAndQuerylensAreNever() {
    assertThat(byLocation.isApplication(String.class)).isFalse();
    assertThat(byLocation.isApplication(java.sql.Connection.class)).isFalse();
    assertThat(byLocation.isApplication(java.util.concurrent.ConcurrentHashMap.class)).isFalse();
    assertThat(byLocation.isApplication(CallSiteResolver.class)).isFalse();
    assertThat(byLocation.isApplication(FrameClassifierTest.class)).as("querylens' own, from a directory").isFalse();
  }

  @Test
  void aDriversOwnClassesAreNeverWhereverTheyComeFrom() throws Exception {
    assertThat(byLocation.isApplication(HomeMadeDriver.class)).as("from a directory").isFalse();
    assertThat(byLocation.isApplication(loadedFrom(HomeMadeDriver.class, "file:/srv/app/lib/acme-jdbc.jar")))
        .as("from a jar of no known library").isFalse();
    assertThat(byLocation.isApplication(org.h2.jdbc.JdbcPreparedStatement.class)).isFalse();
  }

  @Test
  void generatedClassesAreNever() {
    Runnable lambda = () -> {};

    assertThat(Generated.$$SpringCGLIB.class.getName()).contains("$$");
    assertThat(byLocation.isApplication(Generated.$$SpringCGLIB.class)).isFalse();
    assertThat(byLocation.isApplication(Generated.Customer$HibernateProxy$Q1w2.class)).isFalse();
    assertThat(byLocation.isApplication(lambda.getClass())).as("hidden class").isFalse();
    assertThat(byLocation.isApplication(Generated.class)).isTrue();
  }

  @Test
  void librariesInJarsAreNotApplicationCode() {
    assertThat(byLocation.isApplication(org.h2.Driver.class)).isFalse();
    assertThat(byLocation.isApplication(org.slf4j.LoggerFactory.class)).isFalse();
    assertThat(byLocation.isApplication(org.junit.jupiter.api.Test.class)).isFalse();
  }

  @Test
  void aJarClassIsApplicationCodeUnlessItsPackageIsAKnownLibrarys() throws Exception {
    assertThat(byLocation.isApplication(loadedFrom(Widget.class, "file:/srv/lib/shop-core.jar"))).isTrue();
    assertThat(byLocation.isApplication(loadedFrom(OwnerController.class, "file:/srv/lib/petclinic.jar"))).isFalse();
  }

  @Test
  void springBootAndWarClassesDirectoriesAreApplicationCode() throws Exception {
    assertThat(byLocation.isApplication(
        loadedFrom(OwnerController.class, "jar:file:/srv/petclinic.jar!/BOOT-INF/classes!/"))).isTrue();
    assertThat(byLocation.isApplication(
        loadedFrom(OwnerController.class, "file:/opt/tomcat/webapps/petclinic/WEB-INF/classes/"))).isTrue();
  }

  @Test
  void nestedDependencyJarsAreJudgedByPackage() throws Exception {
    assertThat(byLocation.isApplication(
        loadedFrom(OwnerController.class, "jar:file:/srv/app.jar!/BOOT-INF/lib/spring-samples.jar!/"))).isFalse();
    assertThat(byLocation.isApplication(
        loadedFrom(Widget.class, "jar:file:/srv/app.jar!/BOOT-INF/lib/shop-core.jar!/"))).isTrue();
  }

  @Test
  void theMainJarIsApplicationCodeWhateverItsPackage() throws Exception {
    Path mainJar = directory.resolve("petclinic.jar");
    FrameClassifier classifier = new FrameClassifier(List.of(), mainJar.toString());
    String location = mainJar.toUri().toURL().toString();

    assertThat(classifier.isApplication(loadedFrom(OwnerController.class, location))).isTrue();
    assertThat(classifier.isApplication(loadedFrom(OwnerController.class, "file:/srv/other.jar"))).isFalse();
  }
}
