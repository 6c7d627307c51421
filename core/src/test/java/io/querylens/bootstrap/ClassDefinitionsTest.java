package io.querylens.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClassDefinitionsTest {

  private static final byte[] REPLACEMENT = {9, 8, 7};
  private static final ClassLoader LOADER = ClassDefinitionsTest.class.getClassLoader();

  @AfterEach
  void uninstall() {
    ClassDefinitions.uninstall();
  }

  /** A listener that records what it is handed and answers with {@code answer}. */
  private static final class Recording implements ClassDefinitions.Listener {
    final List<byte[]> handed = new ArrayList<>();
    final byte[] answer;
    final boolean mayReplace;

    Recording(byte[] answer, boolean mayReplace) {
      this.answer = answer;
      this.mayReplace = mayReplace;
    }

    @Override
    public boolean mayReplace(ClassLoader loader, String name) {
      return mayReplace;
    }

    @Override
    public byte[] replacement(ClassLoader loader, String name, byte[] classFile, ProtectionDomain domain) {
      handed.add(classFile);
      return answer;
    }
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
  void aReplacedClassFileIsDefinedWholeAndTheListenerIsHandedExactlyTheClassFile() {
    Recording listener = new Recording(REPLACEMENT, true);
    ClassDefinitions.install(listener);
    byte[] given = {1, 2, 3, 4};
    byte[] defined = ClassDefinitions.bytes(LOADER, "a.B", given, 1, 2, null);

    assertThat(listener.handed).singleElement().satisfies(handed -> assertThat(handed).containsExactly(2, 3));
    assertThat(defined).isSameAs(REPLACEMENT);
    assertThat(ClassDefinitions.offset(defined, given, 1)).isZero();
    assertThat(ClassDefinitions.length(defined, given, 2)).isEqualTo(3);
  }

  @Test
  void aClassTheListenerDoesNotWantIsNotCopiedOrHanded() {
    Recording listener = new Recording(REPLACEMENT, false);
    ClassDefinitions.install(listener);
    byte[] given = {1, 2, 3, 4};

    assertThat(ClassDefinitions.bytes(LOADER, "a.B", given, 0, 4, null)).isSameAs(given);
    assertThat(ClassDefinitions.buffer(LOADER, "a.B", ByteBuffer.allocateDirect(4), null)).isNotNull();
    assertThat(listener.handed).isEmpty();
  }

  @Test
  void boundsOutsideTheArrayAreLeftToDefineClassToRefuse() {
    Recording listener = new Recording(REPLACEMENT, true);
    ClassDefinitions.install(listener);
    byte[] given = {1, 2, 3, 4};

    assertThat(ClassDefinitions.bytes(LOADER, "a.B", given, 2, 5, null)).isSameAs(given);
    assertThat(listener.handed).isEmpty();
  }

  @Test
  void onlyTheFirstListenerIsInstalled() {
    Recording first = new Recording(null, true);
    assertThat(ClassDefinitions.install(first)).isTrue();
    assertThat(ClassDefinitions.install(new Recording(REPLACEMENT, true))).isFalse();

    byte[] given = {1, 2};
    assertThat(ClassDefinitions.bytes(LOADER, "a.B", given, 0, 2, null)).isSameAs(given);
    assertThat(first.handed).hasSize(1);
  }

  @Test
  void aListenerThatThrowsLeavesTheClassFileAsItIs() {
    ClassDefinitions.install(new ClassDefinitions.Listener() {
      @Override
      public boolean mayReplace(ClassLoader loader, String name) {
        return true;
      }

      @Override
      public byte[] replacement(ClassLoader loader, String name, byte[] classFile, ProtectionDomain domain) {
        throw new IllegalStateException("broken");
      }
    });
    byte[] given = {1, 2, 3, 4};

    assertThat(ClassDefinitions.bytes(LOADER, "a.B", given, 0, 4, null)).isSameAs(given);
    ByteBuffer direct = ByteBuffer.allocateDirect(4);
    assertThat(ClassDefinitions.buffer(LOADER, "a.B", direct, null)).isSameAs(direct);
  }

  @Test
  void aDirectBufferIsReadWithoutMovingItAndItsReplacementIsDirectToo() {
    Recording listener = new Recording(REPLACEMENT, true);
    ClassDefinitions.install(listener);
    ByteBuffer direct = ByteBuffer.allocateDirect(4).put(new byte[] {1, 2, 3, 4});
    direct.position(1);

    ByteBuffer defined = ClassDefinitions.buffer(LOADER, "a.B", direct, null);

    assertThat(listener.handed).singleElement().satisfies(handed -> assertThat(handed).containsExactly(2, 3, 4));
    assertThat(direct.position()).isEqualTo(1);
    // A heap buffer would go through defineClass(byte[]) again, and be handed to the listener a second time.
    assertThat(defined.isDirect()).isTrue();
    byte[] content = new byte[defined.remaining()];
    defined.get(content);
    assertThat(content).containsExactly(REPLACEMENT);
  }

  @Test
  void aHeapBufferIsLeftToTheByteArrayFormTheJdkPassesItTo() {
    Recording listener = new Recording(REPLACEMENT, true);
    ClassDefinitions.install(listener);
    ByteBuffer heap = ByteBuffer.wrap(new byte[] {1, 2, 3});

    assertThat(ClassDefinitions.buffer(LOADER, "a.B", heap, null)).isSameAs(heap);
    assertThat(listener.handed).isEmpty();
  }
}
