package io.querylens.internal;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;

/**
 * Keys that compare JDBC objects by identity in a hash map, never calling the objects' own {@code equals} or
 * {@code hashCode} (a driver's or a proxy's may do anything). A {@link Stored} key holds its object weakly; a
 * {@link Probe} is a reusable lookup key, so that a lookup allocates nothing.
 */
public interface IdentityKey {

  /** The object this key stands for, or null once collected. */
  Object target();

  /** A key stored in a map: holds its object weakly; equal to any key standing for the same object. */
  final class Stored extends WeakReference<Object> implements IdentityKey {
    private final int hash;

    public Stored(Object target, ReferenceQueue<Object> queue) {
      super(target, queue);
      this.hash = System.identityHashCode(target);
    }

    @Override
    public Object target() {
      return get();
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object other) {
      if (other == this) {
        return true;
      }
      if (!(other instanceof IdentityKey key)) {
        return false;
      }
      Object mine = get();
      return mine != null && mine == key.target();
    }
  }

  /** A lookup key owned by one thread and pointed at the object being looked up. */
  final class Probe implements IdentityKey {
    private Object target;

    /** Points this probe at {@code object} and returns it. */
    public Probe of(Object object) {
      target = object;
      return this;
    }

    /** Forgets the object, so the probe does not keep it reachable. */
    public void clear() {
      target = null;
    }

    @Override
    public Object target() {
      return target;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(target);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof IdentityKey key && target != null && target == key.target();
    }
  }
}
