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
 * Every class implementing {@code java.sql.Connection}: {@code prepare*} (to learn a prepared statement's SQL) and the
 * transaction boundaries ({@code setAutoCommit}, {@code commit}, {@code rollback}, {@code close}).
 */
final class ConnectionInstrumentation {

  private ConnectionInstrumentation() {}

  static AgentBuilder.RawMatcher types() {
    return JdbcSupertypes.implementing(JdbcSupertypes.CONNECTION);
  }

  static AdviceWeaving advice(AdviceWeaving base) {
    ElementMatcher.Junction<MethodDescription> concrete = isPublic().and(not(isAbstract()));
    return base
        .advice(named("prepareStatement").or(named("prepareCall")).and(takesArgument(0, String.class)).and(concrete),
            PrepareAdvice.class)
        .advice(named("setAutoCommit").and(takesArguments(boolean.class)).and(concrete),
            AutoCommitAdvice.class)
        .advice(named("commit").and(takesArguments(0)).and(concrete), CommitAdvice.class)
        .advice(named("rollback").and(takesArguments(0)).and(concrete), RollbackAdvice.class)
        .advice(named("close").and(takesArguments(0)).and(concrete), CloseAdvice.class);
  }

  /** {@code prepareStatement(String sql, ...)} / {@code prepareCall(String sql, ...)}. */
  public static final class PrepareAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Argument(0) String sql, @Advice.Return Object statement) {
      Hooks.onPrepared(statement, sql);
    }
  }

  /** {@code setAutoCommit(boolean)}. */
  public static final class AutoCommitAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object connection, @Advice.Argument(0) boolean autoCommit) {
      Hooks.onAutoCommit(connection, autoCommit);
    }
  }

  /** {@code commit()}. */
  public static final class CommitAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object connection) {
      Hooks.onCommit(connection);
    }
  }

  /** {@code rollback()}. */
  public static final class RollbackAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object connection) {
      Hooks.onRollback(connection);
    }
  }

  /** {@code close()}: its end too, so that the closes nested in it (a wrapper's inner connection) count as one. */
  public static final class CloseAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(@Advice.This Object connection) {
      return Hooks.onConnectionClosed(connection);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter Object token) {
      if (token != null) {
        Hooks.afterConnectionClosed(token);
      }
    }
  }
}
