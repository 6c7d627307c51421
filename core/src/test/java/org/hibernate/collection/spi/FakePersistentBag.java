package org.hibernate.collection.spi;

import java.util.function.Supplier;

/** Stands in for a lazy Hibernate collection being initialised on first access. */
public final class FakePersistentBag {

  private FakePersistentBag() {}

  public static <T> T initialize(Supplier<T> driverCall) {
    return driverCall.get();
  }
}
