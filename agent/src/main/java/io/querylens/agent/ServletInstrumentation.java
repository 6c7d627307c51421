package io.querylens.agent;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.querylens.bootstrap.Hooks;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code HttpServlet.service(HttpServletRequest, HttpServletResponse)}, javax and jakarta: each HTTP request is a
 * unit of work. Only the outermost call opens one (frameworks call {@code service} through several layers).
 */
final class ServletInstrumentation {

  static final String JAVAX = "javax.servlet.http.HttpServlet";
  static final String JAKARTA = "jakarta.servlet.http.HttpServlet";

  private ServletInstrumentation() {}

  static ElementMatcher.Junction<TypeDescription> javaxTypes() {
    return named(JAVAX);
  }

  static ElementMatcher.Junction<TypeDescription> jakartaTypes() {
    return named(JAKARTA);
  }

  static AgentBuilder.Transformer.ForAdvice javaxAdvice(AgentBuilder.Transformer.ForAdvice base) {
    return base.advice(named("service").and(takesArguments(2))
        .and(takesArgument(0, named("javax.servlet.http.HttpServletRequest"))), JavaxServiceAdvice.class.getName());
  }

  static AgentBuilder.Transformer.ForAdvice jakartaAdvice(AgentBuilder.Transformer.ForAdvice base) {
    return base.advice(named("service").and(takesArguments(2))
        .and(takesArgument(0, named("jakarta.servlet.http.HttpServletRequest"))),
        JakartaServiceAdvice.class.getName());
  }

  /** javax {@code HttpServlet.service}. */
  public static final class JavaxServiceAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(@Advice.Argument(0) javax.servlet.http.HttpServletRequest request) {
      return Hooks.beginRequest(request.getMethod(), request.getRequestURI());
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter Object scope) {
      Hooks.endUnit(scope);
    }
  }

  /** jakarta {@code HttpServlet.service}. */
  public static final class JakartaServiceAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(@Advice.Argument(0) jakarta.servlet.http.HttpServletRequest request) {
      return Hooks.beginRequest(request.getMethod(), request.getRequestURI());
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter Object scope) {
      Hooks.endUnit(scope);
    }
  }
}
