package io.querylens.agent;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.querylens.bootstrap.Hooks;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code org.slf4j.LoggerFactory.getILoggerFactory()}: when it returns, the application has initialised its logging,
 * and findings can go to it. querylens never initialises the application's logging itself.
 */
final class Slf4jInstrumentation {

  static final String LOGGER_FACTORY = "org.slf4j.LoggerFactory";

  private Slf4jInstrumentation() {}

  static ElementMatcher.Junction<TypeDescription> types() {
    return named(LOGGER_FACTORY);
  }

  static AdviceWeaving advice(AdviceWeaving base) {
    return base.advice(named("getILoggerFactory").and(takesArguments(0)), LoggerFactoryAdvice.class);
  }

  /** After {@code getILoggerFactory()} returns. */
  public static final class LoggerFactoryAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Origin Class<?> loggerFactory) {
      Hooks.onLoggerFactoryReady(loggerFactory);
    }
  }
}
