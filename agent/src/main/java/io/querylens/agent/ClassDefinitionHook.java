package io.querylens.agent;

import io.querylens.bootstrap.ClassDefinitions;
import java.io.InputStream;
import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Adds calls to {@link ClassDefinitions} at the start of {@code ClassLoader.defineClass} (its {@code byte[]} and
 * {@code ByteBuffer} forms, through which every class loader's classes pass), which may replace the class file about
 * to be defined.
 *
 * <p>Why: a class file transformer registered for the whole run makes the JVM hand it every class it loads, the JDK's
 * included (those in the class data sharing archive read again for it), each through a call from the JVM into Java
 * with a copy of its bytes: on the example service 13,000 classes, and about 160 ms of start-up and 470 ms of CPU for a
 * transformer that declines them all at once. {@code defineClass} sees only the class loaders' own classes, as the
 * byte arrays they already hold.
 *
 * <p>Written with the ASM that Byte Buddy bundles, without Byte Buddy itself, so that Byte Buddy need not be loaded
 * before the application's {@code main}. {@code ClassLoader} is redefined once, at start (see {@link #install}); no
 * transformer stays registered. The added code has no branch: it passes the arguments to {@link ClassDefinitions} and
 * stores back what it returns. Not seen: classes defined through {@code MethodHandles.Lookup}, JNI or {@code Unsafe}
 * (hidden classes, lambdas, proxies; no JDBC class of the drivers and pools querylens knows).
 */
final class ClassDefinitionHook {

  static final String BYTES = "defineClass(Ljava/lang/String;[BIILjava/security/ProtectionDomain;)Ljava/lang/Class;";
  static final String BUFFER =
      "defineClass(Ljava/lang/String;Ljava/nio/ByteBuffer;Ljava/security/ProtectionDomain;)Ljava/lang/Class;";

  private ClassDefinitionHook() {}

  /**
   * Installs the hook into {@code ClassLoader}. Throws if it could not be changed (then nothing was: the caller falls
   * back to a transformer for every class).
   *
   * <p>{@code ClassLoader} is redefined from its class file in the JDK's run-time image rather than retransformed:
   * a redefined class file is where later retransformations start, so the hook stays when another agent retransforms
   * {@code ClassLoader} after querylens (APM agents do); a retransformation by a transformer registered only for it
   * would be undone by theirs.
   */
  static void install(Instrumentation instrumentation) throws Exception {
    Class<?> bridge = ClassDefinitions.class;
    // java.base must read the bootstrap loader's unnamed module, where the bridge is, to call it.
    instrumentation.redefineModule(Object.class.getModule(), Set.of(bridge.getModule()), Map.of(), Map.of(),
        Set.of(), Map.of());
    byte[] original;
    try (InputStream in = Object.class.getResourceAsStream("/java/lang/ClassLoader.class")) {
      if (in == null) {
        throw new IllegalStateException("no class file for java.lang.ClassLoader in the JDK's image");
      }
      original = in.readAllBytes();
    }
    instrumentation.redefineClasses(
        new ClassDefinition(ClassLoader.class, withHook(original, Type.getInternalName(bridge))));
  }

  /** {@code ClassLoader}'s class file with the calls to {@code owner} at the start of the two methods. */
  static byte[] withHook(byte[] classFile, String owner) {
    ClassReader reader = new ClassReader(classFile);
    ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
    int[] hooked = {0};
    reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
      @Override
      public MethodVisitor visitMethod(
          int access, String name, String descriptor, String signature, String[] exceptions) {
        MethodVisitor method = super.visitMethod(access, name, descriptor, signature, exceptions);
        String key = name + descriptor;
        if (!key.equals(BYTES) && !key.equals(BUFFER) || (access & Opcodes.ACC_STATIC) != 0) {
          return method;
        }
        hooked[0]++;
        return new MethodVisitor(Opcodes.ASM9, method) {
          @Override
          public void visitCode() {
            super.visitCode();
            if (key.equals(BYTES)) {
              // b = bytes(this, name, b, off, len, pd); off = offset(b', b, off); len = length(b', b, len)
              loadArguments("Ljava/lang/ClassLoader;Ljava/lang/String;[BIILjava/security/ProtectionDomain;");
              call("bytes", "(Ljava/lang/ClassLoader;Ljava/lang/String;[BIILjava/security/ProtectionDomain;)[B");
              super.visitInsn(Opcodes.DUP);
              super.visitVarInsn(Opcodes.ALOAD, 2);
              super.visitVarInsn(Opcodes.ILOAD, 3);
              call("offset", "([B[BI)I");
              super.visitVarInsn(Opcodes.ISTORE, 3);
              super.visitInsn(Opcodes.DUP);
              super.visitVarInsn(Opcodes.ALOAD, 2);
              super.visitVarInsn(Opcodes.ILOAD, 4);
              call("length", "([B[BI)I");
              super.visitVarInsn(Opcodes.ISTORE, 4);
              super.visitVarInsn(Opcodes.ASTORE, 2);
            } else {
              // b = buffer(this, name, b, pd)
              loadArguments("Ljava/lang/ClassLoader;Ljava/lang/String;Ljava/nio/ByteBuffer;"
                  + "Ljava/security/ProtectionDomain;");
              call("buffer", "(Ljava/lang/ClassLoader;Ljava/lang/String;Ljava/nio/ByteBuffer;"
                  + "Ljava/security/ProtectionDomain;)Ljava/nio/ByteBuffer;");
              super.visitVarInsn(Opcodes.ASTORE, 2);
            }
          }

          /** {@code this} and the method's arguments, typed as in {@code descriptor}'s parameter list. */
          private void loadArguments(String parameters) {
            int slot = 0;
            for (Type type : Type.getArgumentTypes("(" + parameters + ")V")) {
              super.visitVarInsn(type.getOpcode(Opcodes.ILOAD), slot);
              slot += type.getSize();
            }
          }

          private void call(String hook, String descriptor) {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, owner, hook, descriptor, false);
          }
        };
      }
    }, 0);
    if (hooked[0] != 2) {
      throw new IllegalStateException("found " + hooked[0] + " of ClassLoader's two defineClass methods");
    }
    return writer.toByteArray();
  }
}
