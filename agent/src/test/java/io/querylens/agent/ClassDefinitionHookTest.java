package io.querylens.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * The change to the running JDK's own {@code ClassLoader} class file. That the changed class works, the agent's
 * integration tests show on every JDK they run on: each of their findings comes from a class instrumented through it.
 */
class ClassDefinitionHookTest {

  private static final String OWNER = "io/querylens/test/Bridge";

  @Test
  void bothDefineClassMethodsFirstPassTheirClassFileToTheBridgeAndTakeBackWhatItReturns() throws IOException {
    Map<String, List<String>> starts = firstInstructions(ClassDefinitionHook.withHook(classFile(ClassLoader.class),
        OWNER));

    assertThat(starts.get(ClassDefinitionHook.BYTES)).containsExactly(
        "ALOAD 0", "ALOAD 1", "ALOAD 2", "ILOAD 3", "ILOAD 4", "ALOAD 5", "INVOKESTATIC " + OWNER + ".bytes",
        "DUP", "ALOAD 2", "ILOAD 3", "INVOKESTATIC " + OWNER + ".offset", "ISTORE 3",
        "DUP", "ALOAD 2", "ILOAD 4", "INVOKESTATIC " + OWNER + ".length", "ISTORE 4",
        "ASTORE 2");
    assertThat(starts.get(ClassDefinitionHook.BUFFER)).startsWith(
        "ALOAD 0", "ALOAD 1", "ALOAD 2", "ALOAD 3", "INVOKESTATIC " + OWNER + ".buffer", "ASTORE 2");
  }

  @Test
  void noOtherMethodChanges() throws IOException {
    byte[] original = classFile(ClassLoader.class);
    Map<String, List<String>> before = firstInstructions(original);
    Map<String, List<String>> after = firstInstructions(ClassDefinitionHook.withHook(original, OWNER));

    before.keySet().removeAll(List.of(ClassDefinitionHook.BYTES, ClassDefinitionHook.BUFFER));
    assertThat(after).containsAllEntriesOf(before);
  }

  @Test
  void aClassWithoutTheTwoMethodsIsRefused() {
    assertThatThrownBy(() -> ClassDefinitionHook.withHook(classFile(String.class), OWNER))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("found 0 of");
  }

  private static byte[] classFile(Class<?> type) throws IOException {
    try (InputStream in = ClassLoader.getSystemResourceAsStream(type.getName().replace('.', '/') + ".class")) {
      return in.readAllBytes();
    }
  }

  /** Each method's first 18 instructions (opcode and operand), by name and descriptor. */
  private static Map<String, List<String>> firstInstructions(byte[] classFile) {
    Map<String, List<String>> methods = new LinkedHashMap<>();
    new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public MethodVisitor visitMethod(
          int access, String name, String descriptor, String signature, String[] exceptions) {
        List<String> instructions = new ArrayList<>();
        methods.put(name + descriptor, instructions);
        return new MethodVisitor(Opcodes.ASM9) {
          private void add(String instruction) {
            if (instructions.size() < 18) {
              instructions.add(instruction);
            }
          }

          @Override
          public void visitInsn(int opcode) {
            add(OPCODES.getOrDefault(opcode, "#" + opcode));
          }

          @Override
          public void visitVarInsn(int opcode, int slot) {
            add(OPCODES.getOrDefault(opcode, "#" + opcode) + " " + slot);
          }

          @Override
          public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean onInterface) {
            add(OPCODES.getOrDefault(opcode, "#" + opcode) + " " + owner + "." + name);
          }

          @Override
          public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
            add("#" + opcode + " " + owner + "." + name);
          }

          @Override
          public void visitJumpInsn(int opcode, net.bytebuddy.jar.asm.Label label) {
            add("#" + opcode);
          }

          @Override
          public void visitTypeInsn(int opcode, String type) {
            add("#" + opcode + " " + type);
          }

          @Override
          public void visitLdcInsn(Object value) {
            add("LDC " + value);
          }
        };
      }
    }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    return methods;
  }

  private static final Map<Integer, String> OPCODES = Map.of(
      Opcodes.ALOAD, "ALOAD", Opcodes.ILOAD, "ILOAD", Opcodes.ASTORE, "ASTORE", Opcodes.ISTORE, "ISTORE",
      Opcodes.DUP, "DUP", Opcodes.INVOKESTATIC, "INVOKESTATIC", Opcodes.INVOKEVIRTUAL, "INVOKEVIRTUAL",
      Opcodes.INVOKESPECIAL, "INVOKESPECIAL", Opcodes.ARETURN, "ARETURN");
}
