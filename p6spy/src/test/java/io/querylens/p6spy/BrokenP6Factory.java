package io.querylens.p6spy;

import com.p6spy.engine.common.PreparedStatementInformation;
import com.p6spy.engine.event.JdbcEventListener;
import com.p6spy.engine.spy.P6Factory;
import com.p6spy.engine.spy.P6LoadableOptions;
import com.p6spy.engine.spy.option.P6OptionsRepository;
import java.sql.SQLException;

/**
 * A misbehaving p6spy module, listed before querylens' in the tests' module list: while {@link #failing} is set, its
 * listener throws from {@code onAfterExecuteQuery}, so p6spy never calls the modules after it (querylens') for that
 * execution's end.
 */
public final class BrokenP6Factory implements P6Factory {

  static volatile boolean failing;

  @Override
  public P6LoadableOptions getOptions(P6OptionsRepository repository) {
    return new QueryLensP6Factory().getOptions(repository);
  }

  @Override
  public JdbcEventListener getJdbcEventListener() {
    return new JdbcEventListener() {
      @Override
      public void onAfterExecuteQuery(PreparedStatementInformation statement, long nanos, SQLException failure) {
        if (failing) {
          throw new IllegalStateException("a broken p6spy module");
        }
      }
    };
  }
}
