package io.querylens.junit;

import io.querylens.finding.FindingType;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * querylens' detectors find nothing of the given types in the test (nothing at all when none are given). On a class,
 * for each of its tests.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface NoFindings {
  FindingType[] value() default {};
}
