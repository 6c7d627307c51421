package io.querylens.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A lock-free multi-producer queue with a capacity: {@link #offer} refuses (and the caller counts a drop) rather than
 * letting the queue grow. Producers are application threads; the consumer is querylens' own worker.
 */
public final class BoundedQueue<T> {

  private final ConcurrentLinkedQueue<T> items = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final int capacity;

  public BoundedQueue(int capacity) {
    this.capacity = capacity;
  }

  /** Adds {@code item} unless the queue is full; returns false when it was refused. */
  public boolean offer(T item) {
    if (size.incrementAndGet() > capacity) {
      size.decrementAndGet();
      return false;
    }
    items.offer(item);
    return true;
  }

  /** The next item, or null when empty. */
  public T poll() {
    T item = items.poll();
    if (item != null) {
      size.decrementAndGet();
    }
    return item;
  }

  /** The next item without taking it, or null when empty (for a single consumer). */
  public T peek() {
    return items.peek();
  }

  public int size() {
    return Math.max(0, size.get());
  }

  public boolean isEmpty() {
    return items.isEmpty();
  }
}
