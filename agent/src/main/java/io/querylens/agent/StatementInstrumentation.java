package io.querylens.agent;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
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
 * Every class implementing {@code java.sql.Statement} (drivers' statements, pools' wrappers, prepared and callable
 * ones): its {@code execute*} and batch methods, and {@code close}. A batch's size is read from
 * {@code executeBatch}'s result, so {@code addBatch()} needs no hook. Nested calls (a pool's statement delegating to the
 * driver's) are counted once by the recorder.
 */
final class StatementInstrumentation {

  private StatementInstrumentation() {}

  static AgentBuilder.RawMatcher types() {
    return JdbcSupertypes.implementing(JdbcSupertypes.STATEMENT);
  }

  static AdviceWeaving advice(AdviceWeaving base) {
    ElementMatcher.Junction<MethodDescription> execute = named("execute").or(named("executeQuery"))
        .or(named("executeUpdate")).or(named("executeLargeUpdate"));
    ElementMatcher.Junction<MethodDescription> concrete = isPublic().and(not(isAbstract()));
    return base
        .advice(execute.and(takesArgument(0, String.class)).and(concrete), ExecuteSqlAdvice.class)
        .advice(execute.and(takesArguments(0)).and(concrete), ExecuteAdvice.class)
        .advice(named("executeBatch").or(named("executeLargeBatch")).and(takesArguments(0)).and(concrete),
            ExecuteBatchAdvice.class)
        .advice(named("addBatch").and(takesArguments(String.class)).and(concrete), AddBatchSqlAdvice.class)
        .advice(named("clearBatch").and(takesArguments(0)).and(concrete), ClearBatchAdvice.class)
        .advice(named("close").and(takesArguments(0)).and(concrete), CloseAdvice.class);
  }

  /** {@code execute*(String sql, ...)}. */
  public static final class ExecuteSqlAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(@Advice.This Object statement, @Advice.Argument(0) String sql) {
      return Hooks.beforeExecute(statement, sql);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter Object scope, @Advice.Thrown Throwable thrown) {
      Hooks.afterExecute(scope, thrown);
    }
  }

  /** A prepared statement's {@code execute*()}. */
  public static final class ExecuteAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(@Advice.This Object statement) {
      return Hooks.beforeExecute(statement, null);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter Object scope, @Advice.Thrown Throwable thrown) {
      Hooks.afterExecute(scope, thrown);
    }
  }

  /** {@code executeBatch()} / {@code executeLargeBatch()}. */
  public static final class ExecuteBatchAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(@Advice.This Object statement) {
      return Hooks.beforeBatch(statement);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Enter Object scope, @Advice.Thrown Throwable thrown, @Advice.Return Object result) {
      Hooks.afterBatch(scope, thrown, result);
    }
  }

  /** {@code addBatch(String sql)}. */
  public static final class AddBatchSqlAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object statement, @Advice.Argument(0) String sql) {
      Hooks.onAddBatch(statement, sql);
    }
  }

  /** {@code clearBatch()}. */
  public static final class ClearBatchAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object statement) {
      Hooks.onClearBatch(statement);
    }
  }

  /** {@code close()}. */
  public static final class CloseAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object statement) {
      Hooks.onStatementClosed(statement);
    }
  }
}
