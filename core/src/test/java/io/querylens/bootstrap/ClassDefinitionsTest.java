package io.querylens.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClassDefinitionsTest {

  private static final byte[] REPLACEMENT = {9, 8, 7};
  private static final ClassLoader LOADER = ClassDefinitionsTest.class.getClassLoader();

  @AfterEach
  void uninstall() {
    ClassDefinitions.install(null);
  }

  @Test
  void withoutAListenerEveryClassFileIsDefinedAsItIs() {
    byte[] given = {1, 2, 3, 4};
    byte[] defined = ClassDefinitions.bytes(LOADER, "a.B", given, 1, 2, null);

    assertThat(defined).isSameAs(given);
    assertThat(ClassDefinitions.offset(defined, given, 1)).isEqualTo(1);
    assertThat(ClassDefinitions.length(defined, given, 2)).isEqualTo(2);
  }

  @Test
  void aReplacedClassFileIsDefinedWhole() {
    ClassDefinitions.install((loader, name, classFile, offset, length, domain) -> REPLACEMENT);
    byte[] given = {1, 2, 3, 4};
    byte[] defined = ClassDefinitions.bytes(LOADER, "a.B", given, 1, 2, null);

    assertThat(defined).isSameAs(REPLACEMENT);
    assertThat(ClassDefinitions.offset(defined, given, 1)).isZero();
    assertThat(ClassDefinitions.length(defined, given, 2)).isEqualTo(3);
  }

  @Test
  void theListenerIsToldWhatTheClassLoaderGave() {
    Object[] told = new Object[5];
    ClassDefinitions.install((loader, name, classFile, offset, length, domain) -> {
      told[0] = loader;
      told[1] = name;
      told[2] = classFile;
      told[3] = offset;
      told[4] = length;
      return null;
    });
    byte[] given = {1, 2, 3, 4};

    assertThat(ClassDefinitions.bytes(LOADER, "a.B", given, 1, 2, null)).isSameAs(given);
    assertThat(told).containsExactly(LOADER, "a.B", given, 1, 2);
  }

  @Test
  void aListenerThatThrowsLeavesTheClassFileAsItIs() {
    ClassDefinitions.install((loader, name, classFile, offset, length, domain) -> {
      throw new IllegalStateException("broken");
    });
    byte[] given = {1, 2, 3, 4};

    assertThat(ClassDefinitions.bytes(LOADER, "a.B", given, 0, 4, null)).isSameAs(given);
    ByteBuffer direct = ByteBuffer.allocateDirect(4);
    assertThat(ClassDefinitions.buffer(LOADER, "a.B", direct, null)).isSameAs(direct);
  }

  @Test
  void aDirectBufferIsReadWithoutMovingItAndMayBeReplaced() {
    byte[][] seen = new byte[1][];
    ClassDefinitions.install((loader, name, classFile, offset, length, domain) -> {
      seen[0] = classFile;
      return REPLACEMENT;
    });
    ByteBuffer direct = ByteBuffer.allocateDirect(4).put(new byte[] {1, 2, 3, 4});
    direct.position(1);

    ByteBuffer defined = ClassDefinitions.buffer(LOADER, "a.B", direct, null);

    assertThat(seen[0]).containsExactly(2, 3, 4);
    assertThat(direct.position()).isEqualTo(1);
    assertThat(defined.array()).isSameAs(REPLACEMENT);
  }

  @Test
  void aHeapBufferIsLeftToTheByteArrayFormTheJdkPassesItTo() {
    ClassDefinitions.install((loader, name, classFile, offset, length, domain) -> REPLACEMENT);
    ByteBuffer heap = ByteBuffer.wrap(new byte[] {1, 2, 3});

    assertThat(ClassDefinitions.buffer(LOADER, "a.B", heap, null)).isSameAs(heap);
  }
}
