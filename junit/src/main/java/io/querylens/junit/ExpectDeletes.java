package io.querylens.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The number of deletes the test may run: exactly {@code value}, or between {@code min} and {@code max}. On a class, for
 * each of its tests (and its subclasses'). {@code @ExpectDeletes(2)}, {@code @ExpectDeletes(max = 3)}, {@code @ExpectDeletes(min = 1, max = 3)}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface ExpectDeletes {
  /** Exactly this many; -1 for no exact number. */
  int value() default -1;

  /** At least this many; -1 for no lower bound. */
  int min() default -1;

  /** At most this many; -1 for no upper bound. */
  int max() default -1;
}
