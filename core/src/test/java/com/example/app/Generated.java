package com.example.app;

/** Classes named the way proxy and bytecode generators name theirs. */
public final class Generated {

  private Generated() {}

  /** Binary name {@code com.example.app.Generated$$$SpringCGLIB}: contains {@code $$}. */
  public static class $$SpringCGLIB {}

  /** Binary name contains {@code $HibernateProxy}. */
  public static class Customer$HibernateProxy$Q1w2 {}
}
