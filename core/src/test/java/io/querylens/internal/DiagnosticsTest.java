package io.querylens.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DiagnosticsTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @BeforeEach
  void capture() {
    Diagnostics.reset();
    Diagnostics.redirect(new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    Diagnostics.reset();
    Diagnostics.redirect(null);
  }

  private List<String> lines() {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void eachErrorKindIsSaidOnceAndCounted() {
    Diagnostics.error("bind hooks", new IllegalStateException("first\nsecond line"));
    Diagnostics.error("bind hooks", new IllegalStateException("again"));
    Diagnostics.error("bind hooks", null);
    Diagnostics.error("close hook", new RuntimeException());

    assertThat(lines()).hasSize(2);
    assertThat(lines().get(0))
        .startsWith("[querylens] internal error in bind hooks (said once; further ones are counted): "
            + "java.lang.IllegalStateException: first second line at io.querylens.internal.DiagnosticsTest.");
    assertThat(lines().get(1)).startsWith("[querylens] internal error in close hook").contains("RuntimeException");
    assertThat(Diagnostics.errorCounts()).containsExactly(
        java.util.Map.entry("bind hooks", 3L), java.util.Map.entry("close hook", 1L));
    assertThat(Diagnostics.totalErrors()).isEqualTo(4);
  }

  @Test
  void eachDropKindIsSaidOnceAndCounted() {
    for (int i = 0; i < 5; i++) {
      Diagnostics.dropped("detections", "the queue is full");
    }

    assertThat(lines()).containsExactly(
        "[querylens] dropping detections: the queue is full (said once; further drops are counted)");
    assertThat(Diagnostics.dropCounts()).containsExactly(java.util.Map.entry("detections", 5L));
    assertThat(Diagnostics.totalErrors()).isZero();
  }

  @Test
  void resetForgetsCountsSoAKindIsSaidAgain() {
    Diagnostics.error("x", new RuntimeException());
    Diagnostics.reset();
    Diagnostics.error("x", new RuntimeException());

    assertThat(lines()).hasSize(2);
    assertThat(Diagnostics.errorCounts()).containsExactly(java.util.Map.entry("x", 1L));
  }

  @Test
  void concurrentErrorsOfOneKindAreSaidExactlyOnceAndAllCounted() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    try {
      Future<?>[] done = new Future<?>[8];
      for (int t = 0; t < 8; t++) {
        done[t] = pool.submit(() -> {
          start.await();
          for (int i = 0; i < 10_000; i++) {
            Diagnostics.error("racy", new IllegalStateException());
          }
          return null;
        });
      }
      start.countDown();
      for (Future<?> future : done) {
        future.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(lines()).hasSize(1);
    assertThat(Diagnostics.errorCounts()).containsExactly(java.util.Map.entry("racy", 80_000L));
  }

  @Test
  void kindsBeyondTheLimitAreCountedAsOther() {
    for (int i = 0; i < 300; i++) {
      Diagnostics.dropped("kind " + i, "why");
    }

    assertThat(Diagnostics.dropCounts()).hasSize(257).containsEntry("other", 44L);
    assertThat(lines()).hasSize(257);
  }

  @Test
  void sayNeverThrowsEvenWhenTheStreamFails() {
    Diagnostics.redirect(new PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int b) {
        throw new IllegalStateException("closed");
      }
    }));

    Diagnostics.say("hello");
    Diagnostics.error("k", new RuntimeException());

    assertThat(Diagnostics.totalErrors()).isEqualTo(1);
  }

  @Test
  void oneLineFlattensAndCuts() {
    assertThat(Diagnostics.oneLine("a\nb\rc", 10)).isEqualTo("a b c");
    assertThat(Diagnostics.oneLine("abcdefghij", 4)).isEqualTo("abcd...");
  }
}
