package io.querylens.p6spy;

/** What p6spy's JMX bean for the querylens module shows. */
public interface QueryLensP6OptionsMBean {
  /** True when the querylens agent runs, and this module stands aside. */
  boolean isAgentAttached();
}
