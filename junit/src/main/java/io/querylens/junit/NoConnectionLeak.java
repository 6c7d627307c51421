package io.querylens.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Every connection the test takes ({@code DataSource.getConnection()}, {@code DriverManager.getConnection}) is closed
 * again before the test ends; a failure names where each one left open was taken. On a class, for each of its tests
 * (and its subclasses'); a test opts out with {@link Relax}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface NoConnectionLeak {}
