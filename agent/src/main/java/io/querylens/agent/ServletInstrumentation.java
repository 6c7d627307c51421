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
 * {@code HttpServlet.service(ServletRequest, ServletResponse)}, javax and jakarta: each HTTP request is a unit of
 * work. This public entry point is what containers call; frameworks override the protected
 * {@code service(HttpServletRequest, HttpServletResponse)} below it and may not call up (Spring's
 * {@code FrameworkServlet} handles PATCH itself), so that one is not the place. Only the outermost call opens a unit.
 * When it ends, the unit takes the name of the route template Spring MVC matched, if it did.
 */
final class ServletInstrumentation {

  static final String JAVAX = "javax.servlet.http.HttpServlet";
  static final String JAKARTA = "jakarta.servlet.http.HttpServlet";
  /**
   * The request attribute in which Spring MVC leaves the route template it matched ({@code /owners/{ownerId}}):
   * {@code HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE}. Read when the request ends, to name it after its route.
   */
  public static final String SPRING_ROUTE = "org.springframework.web.servlet.HandlerMapping.bestMatchingPattern";

  private ServletInstrumentation() {}

  static ElementMatcher.Junction<TypeDescription> javaxTypes() {
    return named(JAVAX);
  }

  static ElementMatcher.Junction<TypeDescription> jakartaTypes() {
    return named(JAKARTA);
  }

  static AgentBuilder.Transformer.ForAdvice javaxAdvice(AgentBuilder.Transformer.ForAdvice base) {
    return base.advice(named("service").and(takesArguments(2))
        .and(takesArgument(0, named("javax.servlet.ServletRequest"))), JavaxServiceAdvice.class.getName());
  }

  static AgentBuilder.Transformer.ForAdvice jakartaAdvice(AgentBuilder.Transformer.ForAdvice base) {
    return base.advice(named("service").and(takesArguments(2))
        .and(takesArgument(0, named("jakarta.servlet.ServletRequest"))), JakartaServiceAdvice.class.getName());
  }

  /** javax {@code HttpServlet.service}. */
  public static final class JavaxServiceAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(@Advice.Argument(0) javax.servlet.ServletRequest request) {
      if (!(request instanceof javax.servlet.http.HttpServletRequest http)) {
        return null;
      }
      return Hooks.beginRequest(http.getMethod(), http.getRequestURI());
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter Object scope, @Advice.Argument(0) javax.servlet.ServletRequest request) {
      if (scope == null) {
        return;
      }
      String contextPath = null;
      Object route = null;
      try {
        contextPath = ((javax.servlet.http.HttpServletRequest) request).getContextPath();
        route = request.getAttribute(SPRING_ROUTE);
      } catch (Throwable unreadable) {
        route = null;
      }
      Hooks.endRequest(scope, contextPath, route);
    }
  }

  /** jakarta {@code HttpServlet.service}. */
  public static final class JakartaServiceAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(@Advice.Argument(0) jakarta.servlet.ServletRequest request) {
      if (!(request instanceof jakarta.servlet.http.HttpServletRequest http)) {
        return null;
      }
      return Hooks.beginRequest(http.getMethod(), http.getRequestURI());
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter Object scope, @Advice.Argument(0) jakarta.servlet.ServletRequest request) {
      if (scope == null) {
        return;
      }
      String contextPath = null;
      Object route = null;
      try {
        contextPath = ((jakarta.servlet.http.HttpServletRequest) request).getContextPath();
        route = request.getAttribute(SPRING_ROUTE);
      } catch (Throwable unreadable) {
        route = null;
      }
      Hooks.endRequest(scope, contextPath, route);
    }
  }
}
