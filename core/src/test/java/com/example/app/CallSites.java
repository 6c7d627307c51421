package com.example.app;

import io.querylens.callsite.CallSite;
import io.querylens.callsite.CallSiteResolver;
import org.hibernate.collection.spi.FakePersistentBag;
import org.springframework.jdbc.core.FakeJdbcTemplate;

/** Application code asking for its own call site, directly and through library frames. */
public final class CallSites {

  private CallSites() {}

  /** A call site and the line it was captured on. */
  public record Captured(CallSite site, int line) {}

  public static Captured captureHere(CallSiteResolver resolver) {
    return new Captured(resolver.capture(), new Throwable().getStackTrace()[0].getLineNumber());
  }

  public static Captured throughJdbcTemplate(CallSiteResolver resolver) {
    return new Captured(FakeJdbcTemplate.query(resolver::capture), new Throwable().getStackTrace()[0].getLineNumber());
  }

  public static Captured throughLazyCollection(CallSiteResolver resolver) {
    int line = new Throwable().getStackTrace()[0].getLineNumber() + 1;
    CallSite site = FakePersistentBag.initialize(resolver::capture);
    return new Captured(site, line);
  }
}
