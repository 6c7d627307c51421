package io.querylens.agent;

import static net.bytebuddy.matcher.ElementMatchers.anyOf;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isPrimitive;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.querylens.bootstrap.Hooks;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code java.sql.PreparedStatement} implementations: the {@code set*(int index, value[, ...])} binders, so that an
 * N+1 (same shape, different values) can be told from a repeated query (same values). Values are hashed on the spot;
 * they are kept only when {@code log.parameters=true}. One advice per primitive family avoids boxing.
 */
final class PreparedStatementInstrumentation {

  private PreparedStatementInstrumentation() {}

  static AgentBuilder.RawMatcher types() {
    return JdbcSupertypes.implementing(JdbcSupertypes.PREPARED_STATEMENT);
  }

  static AdviceWeaving advice(AdviceWeaving base) {
    ElementMatcher.Junction<MethodDescription> binder = nameStartsWith("set").and(isPublic()).and(not(isAbstract()))
        .and(takesArgument(0, int.class)).and(takesArguments(2).or(takesArguments(3)));
    return base
        .advice(binder.and(takesArgument(1, anyOf(int.class, long.class, short.class, byte.class))),
            BindLongAdvice.class)
        .advice(binder.and(takesArgument(1, anyOf(float.class, double.class))), BindDoubleAdvice.class)
        .advice(binder.and(takesArgument(1, boolean.class)), BindBooleanAdvice.class)
        .advice(binder.and(takesArgument(1, not(isPrimitive()))), BindObjectAdvice.class)
        .advice(named("clearParameters").and(takesArguments(0)).and(isPublic()).and(not(isAbstract())),
            ClearParametersAdvice.class);
  }

  /** {@code setInt}, {@code setLong}, {@code setShort}, {@code setByte}, and {@code setNull(int, int sqlType)}. */
  public static final class BindLongAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(
        @Advice.This Object statement, @Advice.Argument(0) int index, @Advice.Argument(1) long value) {
      Hooks.onBindLong(statement, index, value);
    }
  }

  /** {@code setFloat}, {@code setDouble}. */
  public static final class BindDoubleAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(
        @Advice.This Object statement, @Advice.Argument(0) int index, @Advice.Argument(1) double value) {
      Hooks.onBindDouble(statement, index, value);
    }
  }

  /** {@code setBoolean}. */
  public static final class BindBooleanAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(
        @Advice.This Object statement, @Advice.Argument(0) int index, @Advice.Argument(1) boolean value) {
      Hooks.onBindLong(statement, index, value ? 1L : 0L);
    }
  }

  /** {@code setString}, {@code setObject}, {@code setTimestamp}, {@code setBigDecimal}, ... */
  public static final class BindObjectAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(
        @Advice.This Object statement, @Advice.Argument(0) int index, @Advice.Argument(1) Object value) {
      Hooks.onBindObject(statement, index, value);
    }
  }

  /** {@code clearParameters()}. */
  public static final class ClearParametersAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object statement) {
      Hooks.onClearParameters(statement);
    }
  }
}
