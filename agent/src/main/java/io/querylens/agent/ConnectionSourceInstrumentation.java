package io.querylens.agent;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.querylens.bootstrap.Hooks;
import java.util.Properties;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Where connections come from: {@code getConnection()} of every {@code javax.sql.DataSource} (pools, wrappers, drivers'
 * data sources), and {@code connect(String, Properties)} of every {@code java.sql.Driver} (what
 * {@code DriverManager.getConnection} calls). Tomcat JDBC declares its {@code getConnection()} in
 * {@code DataSourceProxy}, which is no {@code DataSource} itself, so it is named here; and its connections are JDK
 * proxies whose {@code close()} only its {@code ProxyConnection} handler sees, so that handler is advised too.
 */
final class ConnectionSourceInstrumentation {

  static final String TOMCAT_DATA_SOURCE_PROXY = "org.apache.tomcat.jdbc.pool.DataSourceProxy";
  static final String TOMCAT_PROXY_CONNECTION = "org.apache.tomcat.jdbc.pool.ProxyConnection";

  private ConnectionSourceInstrumentation() {}

  static AgentBuilder.RawMatcher types() {
    AgentBuilder.RawMatcher sources = JdbcSupertypes.implementing(JdbcSupertypes.DATA_SOURCE | JdbcSupertypes.DRIVER);
    return (type, loader, module, redefined, domain) -> sources.matches(type, loader, module, redefined, domain)
        || type.getName().equals(TOMCAT_DATA_SOURCE_PROXY);
  }

  static AdviceWeaving advice(AdviceWeaving base) {
    ElementMatcher.Junction<MethodDescription> concrete = isPublic().and(not(isAbstract()));
    return base
        .advice(named("getConnection").and(takesArguments(0)).and(concrete), GetConnectionAdvice.class)
        .advice(named("getConnection").and(takesArguments(String.class, String.class)).and(concrete),
            GetConnectionWithCredentialsAdvice.class)
        .advice(named("connect").and(takesArguments(String.class, Properties.class)).and(concrete),
            ConnectAdvice.class);
  }

  static AgentBuilder.RawMatcher tomcatProxyConnection() {
    return (type, loader, module, redefined, domain) -> type.getName().equals(TOMCAT_PROXY_CONNECTION);
  }

  static AdviceWeaving tomcatAdvice(AdviceWeaving base) {
    return base.advice(named("invoke").and(takesArguments(3)), TomcatCloseAdvice.class);
  }

  /** {@code DataSource.getConnection()}. */
  public static final class GetConnectionAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(@Advice.This Object source) {
      return Hooks.beforeGetConnection(source);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Enter Object scope, @Advice.This Object source, @Advice.Return Object connection,
        @Advice.Thrown Throwable thrown) {
      Hooks.afterGetConnection(scope, source, connection, thrown);
    }
  }

  /** {@code DataSource.getConnection(user, password)}: as {@link GetConnectionAdvice}, saying credentials were given. */
  public static final class GetConnectionWithCredentialsAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(@Advice.This Object source) {
      return Hooks.beforeGetConnectionWithCredentials(source);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Enter Object scope, @Advice.This Object source, @Advice.Return Object connection,
        @Advice.Thrown Throwable thrown) {
      Hooks.afterGetConnection(scope, source, connection, thrown);
    }
  }

  /** {@code Driver.connect(url, info)}: as {@link GetConnectionAdvice}, handing over the URL and properties too. */
  public static final class ConnectAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(
        @Advice.This Object driver, @Advice.Argument(0) String url, @Advice.Argument(1) Properties info) {
      return Hooks.beforeConnect(driver, url, info);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Enter Object scope, @Advice.This Object driver, @Advice.Return Object connection,
        @Advice.Thrown Throwable thrown) {
      Hooks.afterGetConnection(scope, driver, connection, thrown);
    }
  }

  /** Tomcat JDBC's {@code ProxyConnection.invoke(proxy, method, args)}: a {@code close()} on the pooled proxy. */
  public static final class TomcatCloseAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(@Advice.Argument(0) Object proxy, @Advice.Argument(1) java.lang.reflect.Method method) {
      if (method != null && method.getName().equals("close") && method.getParameterCount() == 0) {
        return Hooks.onConnectionClosed(proxy);
      }
      return null;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter Object token) {
      if (token != null) {
        Hooks.afterConnectionClosed(token);
      }
    }
  }
}
