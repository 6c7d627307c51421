package io.querylens.p6spy;

import com.p6spy.engine.event.JdbcEventListener;
import com.p6spy.engine.spy.P6Factory;
import com.p6spy.engine.spy.P6LoadableOptions;
import com.p6spy.engine.spy.option.P6OptionsRepository;
import io.querylens.QueryLens;

/**
 * The p6spy module that feeds querylens: add it to p6spy's {@code modulelist} (in {@code spy.properties}, or
 * {@code -Dp6spy.config.modulelist=...}), beside the modules already there:
 *
 * <pre>modulelist=com.p6spy.engine.spy.P6SpyFactory,com.p6spy.engine.logging.P6LogFactory,io.querylens.p6spy.QueryLensP6Factory</pre>
 *
 * querylens starts in the JVM when p6spy loads the module. Under the querylens {@code -javaagent}, which already sees
 * every JDBC call, the module does nothing, so no statement is counted twice.
 */
public final class QueryLensP6Factory implements P6Factory {

  @Override
  public P6LoadableOptions getOptions(P6OptionsRepository repository) {
    try {
      return new QueryLensP6Options();
    } catch (javax.management.NotCompliantMBeanException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  @Override
  public JdbcEventListener getJdbcEventListener() {
    if (QueryLens.agentAttached()) {
      return new JdbcEventListener() {};
    }
    QueryLens.ensureRunning();
    return QueryLensJdbcEventListener.INSTANCE;
  }
}
