package io.querylens.p6spy;

import com.p6spy.engine.spy.P6LoadableOptions;
import java.util.Map;
import javax.management.NotCompliantMBeanException;
import javax.management.StandardMBean;

/**
 * The module's p6spy options: none (querylens reads its own settings from {@code querylens.properties} and
 * {@code -Dquerylens.*}). p6spy registers every module's options as a JMX bean, hence the {@link StandardMBean}.
 */
public final class QueryLensP6Options extends StandardMBean implements P6LoadableOptions, QueryLensP6OptionsMBean {

  QueryLensP6Options() throws NotCompliantMBeanException {
    super(QueryLensP6OptionsMBean.class);
  }

  @Override
  public void load(Map<String, String> options) {
    // Nothing to read from spy.properties.
  }

  @Override
  public Map<String, String> getDefaults() {
    return Map.of();
  }

  @Override
  public boolean isAgentAttached() {
    return io.querylens.QueryLens.agentAttached();
  }
}
