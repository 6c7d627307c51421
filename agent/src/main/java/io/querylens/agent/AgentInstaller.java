package io.querylens.agent;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.isBootstrapClassLoader;
import static net.bytebuddy.matcher.ElementMatchers.isExtensionClassLoader;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameContains;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

import io.querylens.bootstrap.ClassDefinitions;
import io.querylens.bootstrap.Hooks;
import io.querylens.config.ConfigLoader;
import io.querylens.config.QueryLensConfig;
import io.querylens.config.Settings;
import io.querylens.detect.Detector;
import io.querylens.internal.Diagnostics;
import io.querylens.runtime.QueryLensRuntime;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.utility.JavaModule;

/**
 * Starts querylens' core and installs the instrumentation. Called by {@link QueryLensAgent} once the hook bridge is on
 * the bootstrap class path.
 */
public final class AgentInstaller {

  /** The classes instrumented by their name rather than by the JDBC interfaces they implement. */
  private static final List<String> INSTRUMENTED_BY_NAME = List.of(
      ServletInstrumentation.JAVAX, ServletInstrumentation.JAKARTA, Slf4jInstrumentation.LOGGER_FACTORY,
      ConnectionSourceInstrumentation.TOMCAT_DATA_SOURCE_PROXY, ConnectionSourceInstrumentation.TOMCAT_PROXY_CONNECTION);

  private AgentInstaller() {}

  /**
   * @param arguments the agent arguments ({@code key=value,key=value})
   * @param attached true when attached to a running JVM rather than started with it
   */
  public static void install(String arguments, Instrumentation instrumentation, boolean attached) throws Exception {
    QueryLensConfig config = ConfigLoader.load(arguments);
    config.problems().forEach(Diagnostics::say);
    if (!config.get(Settings.ENABLED)) {
      Diagnostics.say(QueryLensRuntime.version() + " is switched off (enabled=false)");
      return;
    }
    List<Class<?>> early = attached ? List.of() : loadedBeforeUs(instrumentation);
    if (attached || !early.isEmpty()) {
      // Classes to retransform: querylens starts, and Byte Buddy installs its transformer and retransforms them, now.
      QueryLensRuntime runtime = QueryLensRuntime.start(config, QueryLensRuntime.Mode.AGENT, true);
      agentBuilder(attached, early).installOn(instrumentation);
      for (Class<?> loaded : attached ? List.of(instrumentation.getAllLoadedClasses()) : early) {
        if (loaded.getName().equals(Slf4jInstrumentation.LOGGER_FACTORY)) {
          Hooks.onLoggerFactoryReady(loaded);
        }
      }
      Diagnostics.say(banner(runtime));
    } else {
      // At JVM start with nothing loaded yet: querylens starts and Byte Buddy's transformer is built while the
      // application starts, not before its main (see TransformerSetup). The JDBC classes the application defines from
      // then on are instrumented as they are defined (see ClassDefinitionHook), waiting for the set-up if need be; a
      // capture or unit of work opened meanwhile waits for the start (see Hooks.startPending).
      // Classes the set-up thread loads are never instrumented: starting querylens must not load the application's
      // JDBC or SLF4J classes, and does not (those look-ups are lazy, on the worker).
      Hooks.startPending();
      try {
        TransformerSetup setup = new TransformerSetup(AgentInstaller::rawTransformer);
        watchClassDefinitions(instrumentation, setup);
        setup.setUpInBackground(() -> startBeside(config, setup), () -> {
          InstrumentedClassCache cache = setup.cache();
          if (cache != null) {
            cache.pruneOtherBuilds();
          }
        });
      } catch (RuntimeException | Error failed) {
        Hooks.startEnded();
        throw failed;
      }
    }
  }

  /**
   * Hands the class files the application's class loaders define to {@code transformer} through a hook in
   * {@code ClassLoader.defineClass} (see {@link ClassDefinitionHook}); where that hook would miss classes (loaded from
   * an archive of application classes) or cannot be installed, registers {@code transformer} with the JVM instead,
   * which then sees every class loaded (slower start, same classes instrumented).
   */
  private static void watchClassDefinitions(Instrumentation instrumentation, TransformerSetup setup) {
    DeferredTransformer transformer = new DeferredTransformer(jdbcClassFilter(), setup);
    if (!ClassArchives.mayLoadApplicationClasses()
        && ClassDefinitions.install(new ClassDefinitionListener(transformer))) {
      try {
        ClassDefinitionHook.install(instrumentation);
        return;
      } catch (Throwable refused) {
        // The listener stays installed but is never called: ClassLoader is as it was.
        Diagnostics.say("cannot follow class definitions (" + refused + "); every class loaded is looked at instead");
      }
    }
    instrumentation.addTransformer(transformer);
  }

  /**
   * On the set-up thread: starts querylens, opens the cache of instrumented classes (when one is set), then builds Byte
   * Buddy's transformer (null: nothing is instrumented), or leaves it to be built when a class is first missing from
   * the cache, when the cache holds an earlier run's classes.
   */
  private static ClassFileTransformer startBeside(QueryLensConfig config, TransformerSetup setup) {
    try {
      Diagnostics.say(banner(QueryLensRuntime.start(config, QueryLensRuntime.Mode.AGENT, true)));
    } catch (QueryLensRuntime.JvmExiting exiting) {
      return null; // the application was done before querylens started: nothing to watch, nothing to say
    } catch (RuntimeException | LinkageError failed) {
      Diagnostics.say("could not start; the application runs without it: " + failed);
      return null;
    } finally {
      Hooks.startEnded();
    }
    InstrumentedClassCache cache = InstrumentedClassCache.open(config.get(Settings.INSTRUMENTATION_CACHE),
        QueryLensAgent::agentJar);
    setup.useCache(cache);
    return cache != null && cache.isWarm() ? TransformerSetup.ON_DEMAND : rawTransformer();
  }

  /**
   * At JVM start, the classes querylens instruments that are loaded already: none, usually, but another agent or a
   * custom system class loader may have loaded a driver or SLF4J before querylens' premain.
   */
  private static List<Class<?>> loadedBeforeUs(Instrumentation instrumentation) {
    List<Class<?>> early = new ArrayList<>();
    for (Class<?> loaded : instrumentation.getAllLoadedClasses()) {
      ClassLoader loader = loaded.getClassLoader();
      if (loader == null || loader == ClassLoader.getPlatformClassLoader() || loaded.isInterface()
          || !instrumentation.isModifiableClass(loaded)) {
        continue;
      }
      if (java.sql.Statement.class.isAssignableFrom(loaded) || java.sql.Connection.class.isAssignableFrom(loaded)
          || javax.sql.DataSource.class.isAssignableFrom(loaded) || java.sql.Driver.class.isAssignableFrom(loaded)
          || INSTRUMENTED_BY_NAME.contains(loaded.getName())) {
        early.add(loaded);
      }
    }
    return early;
  }

  /**
   * @param attached whether every class loaded before the agent must be looked at (attached to a running JVM)
   * @param early at JVM start, the instrumented classes loaded before the agent: only these are retransformed, as a
   *     walk over all loaded classes would cost start-up time for nothing
   */
  static AgentBuilder agentBuilder(boolean attached, List<Class<?>> early) throws NoSuchMethodException {
    // querylens needs no Byte Buddy "nexus" (it never changes class formats). Without this, creating the agent builder
    // probes sun.misc.Unsafe, which JDK 24+ reports with warnings in the application's output. The property is read
    // under Byte Buddy's own (relocated) package name, so it concerns querylens' copy only.
    System.setProperty(ByteBuddy.class.getPackageName() + ".nexus.disabled", "true");
    Advice.ExceptionHandler handler = new Advice.ExceptionHandler.Simple(MethodInvocation.invoke(
        new MethodDescription.ForLoadedMethod(Hooks.class.getMethod("onAdviceError", Throwable.class))));
    AdviceWeaving weaving = new AdviceWeaving(handler);
    // The servlet advice names javax/jakarta servlet types, which only the application's class loader has: it is read
    // through a type pool of that loader, for each class it goes into (two classes per application).
    AgentBuilder.Transformer.ForAdvice servletWeaving = new AgentBuilder.Transformer.ForAdvice()
        .include(ClassFileLocator.ForClassLoader.of(AgentInstaller.class.getClassLoader()))
        .withExceptionHandler(handler);
    // Advice goes only into methods a class declares, matched by name and parameters: Byte Buddy need not compile each
    // instrumented class's whole method graph (every method of every JDBC interface above it), nor validate the
    // class it writes back, which has the original's members. What the full graph gave besides: advice in the bridge
    // javac writes into a public class for a public method it inherits from a package-private base that is no JDBC
    // class itself; such a method now goes unwatched. The drivers and pools of the integration tests have none.
    AgentBuilder builder = new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED)
        .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE)).disableClassFormatChanges();
    if (attached) {
      builder = builder.with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION);
    } else if (!early.isEmpty()) {
      builder = builder.with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
          .with(new AgentBuilder.RedefinitionStrategy.DiscoveryStrategy.Explicit(early.toArray(new Class<?>[0])));
    } else {
      builder = builder.with(AgentBuilder.RedefinitionStrategy.DISABLED);
    }
    return builder
        .with(AgentBuilder.TypeStrategy.Default.DECORATE)
        .with(AgentBuilder.PoolStrategy.Default.FAST)
        .with(new ErrorListener())
        .with((AgentBuilder.TransformerDecorator) transformer -> new JdbcClassPrefilter(transformer,
            jdbcClassFilter()))
        .ignore(any(), isBootstrapClassLoader().or(isExtensionClassLoader()))
        .or(nameStartsWith(AgentInstaller.class.getPackageName() + ".").or(nameStartsWith("java."))
            .or(nameStartsWith("jdk.")).or(nameStartsWith("sun.")).or(nameStartsWith("com.sun."))
            .or(nameStartsWith("net.bytebuddy."))
            .or(nameContains("$$Lambda")).or(nameContains("$Proxy")).or(isSynthetic()))
        .type(StatementInstrumentation.types()).transform(StatementInstrumentation.advice(weaving))
        .type(PreparedStatementInstrumentation.types()).transform(PreparedStatementInstrumentation.advice(weaving))
        .type(ConnectionInstrumentation.types()).transform(ConnectionInstrumentation.advice(weaving))
        .type(ConnectionSourceInstrumentation.types()).transform(ConnectionSourceInstrumentation.advice(weaving))
        .type(ConnectionSourceInstrumentation.tomcatProxyConnection())
        .transform(ConnectionSourceInstrumentation.tomcatAdvice(weaving))
        .type(ServletInstrumentation.javaxTypes()).transform(ServletInstrumentation.javaxAdvice(servletWeaving))
        .type(ServletInstrumentation.jakartaTypes()).transform(ServletInstrumentation.jakartaAdvice(servletWeaving))
        .type(Slf4jInstrumentation.types()).transform(Slf4jInstrumentation.advice(weaving));
  }

  /** Byte Buddy's transformer, not installed: for classes loaded from now on, none retransformed. */
  private static ClassFileTransformer rawTransformer() {
    try {
      return agentBuilder(false, List.of()).makeRaw();
    } catch (NoSuchMethodException bridgeOutOfDate) {
      throw new IllegalStateException(bridgeOutOfDate);
    }
  }

  private static JdbcClassFilter jdbcClassFilter() {
    return new JdbcClassFilter(INSTRUMENTED_BY_NAME.stream().map(name -> name.replace('.', '/'))
        .collect(Collectors.toSet()));
  }

  private static String banner(QueryLensRuntime runtime) {
    QueryLensConfig config = runtime.config();
    String report = config.get(Settings.REPORT);
    return QueryLensRuntime.version() + " watching JDBC with " + runtime.detectors().stream().map(Detector::id)
        .collect(Collectors.joining(", ")) + " (N+1 from " + config.get(Settings.NPLUSONE_THRESHOLD)
        + " executions, slow from " + config.get(Settings.SLOW_THRESHOLD_MS) + " ms); findings go to the "
        + "application's log as querylens.*" + (report == null ? "" : " and to " + report);
  }

  /** Counts instrumentation failures; the first one is said with the class it hit. */
  private static final class ErrorListener extends AgentBuilder.Listener.Adapter {
    @Override
    public void onError(
        String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable throwable) {
      Diagnostics.error("instrumenting classes", new IllegalStateException("cannot instrument " + typeName, throwable));
    }

    @Override
    public void onTransformation(
        TypeDescription typeDescription, ClassLoader classLoader, JavaModule module, boolean loaded,
        DynamicType dynamicType) {
      // Nothing to say: instrumentation is silent when it works.
    }
  }
}
