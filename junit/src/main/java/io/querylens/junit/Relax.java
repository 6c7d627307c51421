package io.querylens.junit;

import java.lang.annotation.Annotation;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Turns off, for one test, checks its class or the global defaults ({@code querylens.defaults}) would apply, with
 * the reason written down: {@code @Relax(value = NoNPlusOne.class, reason = "legacy export, see ticket 1234")}. The
 * reason is published in the test's report entries; an empty reason is an error.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Relax {
  /** The check annotations to turn off, e.g. {@code NoNPlusOne.class}. */
  Class<? extends Annotation>[] value();

  /** Why this test may break the rule. */
  String reason();
}
