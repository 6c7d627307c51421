package io.querylens.junit;

import io.querylens.capture.CaptureScope;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Captures the statements of each test method of the class and checks them against the querylens annotations on the
 * method, on the class and in the global defaults. A test method may take a
 * {@link io.querylens.capture.QueryCapture} parameter to assert in code.
 *
 * <p>Only the test method itself is captured, not {@code @BeforeEach}/{@code @AfterEach} (seeding data does not
 * count). Checks run only when the test itself passed.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@ExtendWith(QueryLensExtension.class)
public @interface QueryLensTest {
  /**
   * Whose statements count: the test's thread only (default), or every thread while the test runs (a web server's
   * request threads in a {@code @SpringBootTest} with a real HTTP call, an executor). Tests running in parallel
   * see each other's statements with {@code ALL_THREADS}.
   */
  CaptureScope scope() default CaptureScope.THIS_THREAD;
}
