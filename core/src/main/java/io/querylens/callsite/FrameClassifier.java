package io.querylens.callsite;

import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import javax.sql.CommonDataSource;

/**
 * Decides whether a class is application code, for choosing call sites.
 *
 * <p>A package prefix alone is not enough: applications live in any package, including ones that start like a
 * framework's ({@code org.springframework.samples.petclinic}). Without {@code app.packages}, a class is application
 * code when it was loaded from a directory ({@code target/classes}), from {@code BOOT-INF/classes} or
 * {@code WEB-INF/classes}, or from the jar given to {@code java -jar}; classes from other jars are application code
 * unless their package is a known library's. JDK classes, generated proxies, querylens itself and classes that
 * implement JDBC (a driver or pool of no known package, whose own frame is where querylens' hooks run) never are.
 * Answers are cached per class.
 */
final class FrameClassifier {

  /**
   * Packages of libraries and frameworks; consulted only for classes loaded from dependency jars. Kept as one
   * {@code ;}-separated string on purpose: the agent jar's build relocates string constants that look like relocated
   * package names ({@code net.bytebuddy.}), and the application's own Byte Buddy must still count as a library.
   */
  static final List<String> LIBRARY_PACKAGES = List.of((
      "java.;javax.;jakarta.;jdk.;sun.;com.sun.;org.ietf.;org.w3c.;org.xml.;org.hibernate.;org.springframework.;"
          + "com.zaxxer.;org.apache.;org.h2.;org.postgresql.;com.mysql.;org.mariadb.;oracle.;"
          + "com.microsoft.sqlserver.;org.hsqldb.;org.sqlite.;org.jooq.;org.mybatis.;org.eclipse.;io.micronaut.;"
          + "io.quarkus.;io.netty.;io.undertow.;org.glassfish.;com.fasterxml.;kotlin.;kotlinx.;scala.;groovy.;"
          + "org.codehaus.groovy.;org.junit.;junit.;org.testng.;org.mockito.;net.bytebuddy.;org.slf4j.;"
          + "ch.qos.logback.;org.jboss.;io.opentelemetry.;com.p6spy.;net.ttddyy.;io.micrometer.;reactor.;"
          + "io.r2dbc.;org.flywaydb.;liquibase.;org.jdbi.;com.querydsl.;org.aspectj.;com.google.;io.grpc.;"
          + "org.openjdk.;com.mchange.;org.datanucleus.;com.oracle.;org.osgi.;org.objenesis.;io.vertx.;"
          + "io.smallrye.;org.thymeleaf.;freemarker.;io.swagger.;org.yaml.;org.json.;"
          + "com.github.benmanes.caffeine.;org.ehcache.;io.querylens.;").split(";"));

  /**
   * querylens' own package root, built at run time: the agent jar's build relocates string constants that name
   * querylens packages, and its classes live under several roots there (core, bridge, agent).
   */
  static final String QUERYLENS = String.join(".", "io", "querylens", "");

  private final List<String> appPackages;
  private final String mainJar;
  private final ClassValue<Boolean> isApplication = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> type) {
      return classify(type);
    }
  };

  /**
   * @param appPackages the {@code app.packages} setting; when not empty it alone decides
   * @param mainJar the jar given to {@code java -jar}, or null
   */
  FrameClassifier(List<String> appPackages, String mainJar) {
    this.appPackages = List.copyOf(appPackages);
    this.mainJar = mainJar == null ? null : normalizePath(mainJar);
  }

  /** The jar given to {@code java -jar}, read from {@code sun.java.command}, or null. */
  static String mainJarFromCommandLine() {
    String command = System.getProperty("sun.java.command", "");
    int space = command.indexOf(' ');
    String first = space < 0 ? command : command.substring(0, space);
    return first.toLowerCase(Locale.ROOT).endsWith(".jar") ? first : null;
  }

  boolean isApplication(Class<?> type) {
    return isApplication.get(type);
  }

  private boolean classify(Class<?> type) {
    String name = type.getName();
    if (!appPackages.isEmpty()) {
      for (String prefix : appPackages) {
        if (name.startsWith(prefix)) {
          return true;
        }
      }
      return false;
    }
    if (name.startsWith(QUERYLENS) || isGenerated(type, name) || implementsJdbc(type)) {
      return false;
    }
    ClassLoader loader = type.getClassLoader();
    if (loader == null || loader == ClassLoader.getPlatformClassLoader()) {
      return false;
    }
    String location = locationOf(type);
    if (location == null) {
      return false;
    }
    if (location.contains("BOOT-INF/classes") || location.contains("WEB-INF/classes")) {
      return true;
    }
    boolean dependencyJar = location.contains("BOOT-INF/lib/") || location.contains("WEB-INF/lib/");
    if (!dependencyJar) {
      if (location.startsWith("file:") && location.endsWith("/")) {
        return true;
      }
      if (mainJar != null && location.startsWith("file:") && mainJar.equals(normalizePath(location.substring(5)))) {
        return true;
      }
    }
    return !hasLibraryPackage(name);
  }

  private static boolean implementsJdbc(Class<?> type) {
    return Statement.class.isAssignableFrom(type) || Connection.class.isAssignableFrom(type)
        || ResultSet.class.isAssignableFrom(type) || CommonDataSource.class.isAssignableFrom(type)
        || Driver.class.isAssignableFrom(type);
  }

  static boolean hasLibraryPackage(String className) {
    for (String prefix : LIBRARY_PACKAGES) {
      if (className.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isGenerated(Class<?> type, String name) {
    return type.isHidden() || name.contains("$$") || name.contains("$Hibernate")
        || name.contains("$ByteBuddy$") || name.startsWith("com.sun.proxy.") || name.startsWith("jdk.proxy");
  }

  private static String locationOf(Class<?> type) {
    try {
      ProtectionDomain domain = type.getProtectionDomain();
      CodeSource source = domain == null ? null : domain.getCodeSource();
      URL url = source == null ? null : source.getLocation();
      return url == null ? null : url.toString();
    } catch (RuntimeException denied) {
      return null;
    }
  }

  private static String normalizePath(String path) {
    try {
      return Path.of(path.replace("%20", " ")).toAbsolutePath().normalize().toString();
    } catch (RuntimeException invalid) {
      return path;
    }
  }
}
