package io.querylens.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BoundedQueueTest {

  @Test
  void refusesPastItsCapacityAndAcceptsAgainAfterAPoll() {
    BoundedQueue<String> queue = new BoundedQueue<>(2);

    assertThat(queue.isEmpty()).isTrue();
    assertThat(queue.offer("a")).isTrue();
    assertThat(queue.offer("b")).isTrue();
    assertThat(queue.offer("c")).isFalse();
    assertThat(queue.size()).isEqualTo(2);
    assertThat(queue.poll()).isEqualTo("a");
    assertThat(queue.offer("d")).isTrue();
    assertThat(queue.poll()).isEqualTo("b");
    assertThat(queue.poll()).isEqualTo("d");
    assertThat(queue.poll()).isNull();
    assertThat(queue.size()).isZero();
    assertThat(queue.isEmpty()).isTrue();
  }

  @Test
  void capacityIsRespectedUnderConcurrentOffers() throws Exception {
    int capacity = 1_000;
    int threads = 8;
    int perThread = 20_000;
    BoundedQueue<Integer> queue = new BoundedQueue<>(capacity);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    int accepted = 0;
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int base = t * perThread;
        done.add(pool.submit(() -> {
          start.await();
          int mine = 0;
          for (int i = 0; i < perThread; i++) {
            if (queue.offer(base + i)) {
              mine++;
            }
          }
          return mine;
        }));
      }
      start.countDown();
      for (Future<Integer> future : done) {
        accepted += future.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(accepted).isEqualTo(capacity);
    assertThat(queue.size()).isEqualTo(capacity);
    Set<Integer> polled = new HashSet<>();
    Integer item;
    while ((item = queue.poll()) != null) {
      polled.add(item);
    }
    assertThat(polled).hasSize(capacity);
    assertThat(queue.size()).isZero();
  }

  @Test
  void concurrentProducersAndAConsumerLoseNothingThatWasAccepted() throws Exception {
    int capacity = 64;
    BoundedQueue<Integer> queue = new BoundedQueue<>(capacity);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> producers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        producers.add(pool.submit(() -> {
          int mine = 0;
          for (int i = 0; i < 50_000; i++) {
            if (queue.offer(i)) {
              mine++;
            }
          }
          return mine;
        }));
      }
      int consumed = 0;
      boolean producing = true;
      while (producing) {
        producing = false;
        for (Future<Integer> producer : producers) {
          producing |= !producer.isDone();
        }
        if (queue.poll() != null) {
          consumed++;
        }
      }
      while (queue.poll() != null) {
        consumed++;
      }
      int accepted = 0;
      for (Future<Integer> producer : producers) {
        accepted += producer.get(30, TimeUnit.SECONDS);
      }
      assertThat(consumed).isEqualTo(accepted);
      assertThat(queue.size()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }
}
