package io.querylens.junit;

import io.querylens.QueryLens;
import io.querylens.capture.CaptureScope;
import io.querylens.capture.QueryCapture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link QueryLensTest}: opens a {@link QueryCapture} around each test method (not its
 * {@code @BeforeEach}/{@code @AfterEach}), hands it to a test that asks for it as a parameter, and when the test
 * passed, runs the checks its annotations, its class's and the global defaults ask for, failing the test with one
 * {@link AssertionError} that lists every broken check and then the test's statements.
 */
public final class QueryLensExtension implements BeforeTestExecutionCallback, AfterTestExecutionCallback,
    ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
      QueryLensExtension.class);
  private static final String CAPTURE = "capture";

  @Override
  public void beforeTestExecution(ExtensionContext context) {
    CaptureScope scope = CaptureScope.THIS_THREAD;
    for (Class<?> type = context.getRequiredTestClass(); type != null; type = type.getEnclosingClass()) {
      var found = AnnotationSupport.findAnnotation(type, QueryLensTest.class);
      if (found.isPresent()) {
        scope = found.get().scope();
        break;
      }
    }
    String name = context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName();
    context.getStore(NAMESPACE).put(CAPTURE, QueryLens.capture(name, scope));
  }

  @Override
  public void afterTestExecution(ExtensionContext context) {
    QueryCapture capture = context.getStore(NAMESPACE).remove(CAPTURE, QueryCapture.class);
    if (capture == null) {
      return;
    }
    capture.close();
    List<Checks.Relaxed> relaxed = new ArrayList<>();
    List<Checks.Check> checks = Checks.forTest(context, relaxed);
    for (Checks.Relaxed each : relaxed) {
      context.publishReportEntry("querylens.relaxed", "@" + each.kind().getSimpleName() + ": " + each.reason());
    }
    if (context.getExecutionException().isPresent() || checks.isEmpty()) {
      return;
    }
    if (capture.count() == 0 && capture.scope() == CaptureScope.THIS_THREAD) {
      context.publishReportEntry("querylens.warning", "no statement ran on the test's thread; statements of other"
          + " threads (a web server's, an executor's) count only with @QueryLensTest(scope = ALL_THREADS)");
    }
    String summary = capture.summary();
    List<String> failures = new ArrayList<>();
    for (Checks.Check check : checks) {
      try {
        check.assertion().accept(capture.assertThat());
      } catch (AssertionError failed) {
        String message = failed.getMessage();
        failures.add(message.endsWith("\n" + summary)
            ? message.substring(0, message.length() - summary.length() - 1) : message);
      }
    }
    if (!failures.isEmpty()) {
      throw new AssertionError(String.join("\n", failures) + "\n" + summary);
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == QueryCapture.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    QueryCapture capture = context.getStore(NAMESPACE).get(CAPTURE, QueryCapture.class);
    if (capture == null) {
      throw new org.junit.jupiter.api.extension.ParameterResolutionException(
          "a QueryCapture parameter is available to @Test methods of a @QueryLensTest class");
    }
    return capture;
  }
}
