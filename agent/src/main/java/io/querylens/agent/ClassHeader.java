package io.querylens.agent;

/**
 * The head of a class file, read without Byte Buddy: whether it is an interface, its superclass and its interfaces,
 * as binary names with dots ({@code a.b.C$D}). Enough to tell which JDBC interfaces a class implements before Byte
 * Buddy parses it.
 *
 * @param isInterface true for an interface (or annotation)
 * @param superName the superclass, or null (for {@code java.lang.Object} and for interfaces' {@code Object})
 * @param interfaces the interfaces it implements directly
 */
record ClassHeader(boolean isInterface, String superName, String[] interfaces) {

  private static final int ACC_INTERFACE = 0x0200;

  /** Reads the head of {@code classFile}; throws {@link IllegalArgumentException} for what is not a class file. */
  static ClassHeader read(byte[] classFile) {
    try {
      if (u4(classFile, 0) != 0xCAFEBABE) {
        throw new IllegalArgumentException("not a class file");
      }
      int count = u2(classFile, 8);
      int[] utf8 = new int[count];
      int[] classNames = new int[count];
      int at = 10;
      for (int index = 1; index < count; index++) {
        int tag = classFile[at] & 0xFF;
        switch (tag) {
          case 1 -> { // Utf8
            utf8[index] = at + 1;
            at += 3 + u2(classFile, at + 1);
          }
          case 7 -> { // Class
            classNames[index] = u2(classFile, at + 1);
            at += 3;
          }
          case 8, 16, 19, 20 -> at += 3; // String, MethodType, Module, Package
          case 15 -> at += 4; // MethodHandle
          case 3, 4, 9, 10, 11, 12, 17, 18 -> at += 5;
          case 5, 6 -> { // Long, Double: two slots
            at += 9;
            index++;
          }
          default -> throw new IllegalArgumentException("unknown constant pool tag " + tag);
        }
      }
      int access = u2(classFile, at);
      int superIndex = u2(classFile, at + 4);
      int interfaceCount = u2(classFile, at + 6);
      String[] interfaces = new String[interfaceCount];
      for (int i = 0; i < interfaceCount; i++) {
        interfaces[i] = className(classFile, utf8, classNames, u2(classFile, at + 8 + 2 * i));
      }
      String superName = superIndex == 0 ? null : className(classFile, utf8, classNames, superIndex);
      return new ClassHeader((access & ACC_INTERFACE) != 0, superName, interfaces);
    } catch (ArrayIndexOutOfBoundsException truncated) {
      throw new IllegalArgumentException("truncated class file");
    }
  }

  private static String className(byte[] classFile, int[] utf8, int[] classNames, int classIndex) {
    int offset = utf8[classNames[classIndex]];
    int length = u2(classFile, offset);
    char[] name = new char[length];
    for (int i = 0; i < length; i++) {
      byte b = classFile[offset + 2 + i];
      if (b < 0) {
        // Modified UTF-8 beyond ASCII: rare in class names; decode it properly.
        return decode(classFile, offset + 2, length).replace('/', '.');
      }
      name[i] = b == '/' ? '.' : (char) b;
    }
    return new String(name);
  }

  private static String decode(byte[] classFile, int from, int length) {
    try {
      byte[] withLength = new byte[length + 2];
      withLength[0] = (byte) (length >>> 8);
      withLength[1] = (byte) length;
      System.arraycopy(classFile, from, withLength, 2, length);
      return new java.io.DataInputStream(new java.io.ByteArrayInputStream(withLength)).readUTF();
    } catch (java.io.IOException malformed) {
      throw new IllegalArgumentException("malformed class name");
    }
  }

  private static int u2(byte[] bytes, int at) {
    return (bytes[at] & 0xFF) << 8 | bytes[at + 1] & 0xFF;
  }

  private static int u4(byte[] bytes, int at) {
    return u2(bytes, at) << 16 | u2(bytes, at + 2);
  }
}
