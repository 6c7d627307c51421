package io.querylens.agent;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;

/**
 * What querylens does with a class file about to be loaded at JVM start: it is handed the class files the class
 * loaders define (see {@link ClassDefinitionHook}), or, where that hook cannot be used, is registered with the JVM and
 * sees every class loaded. It declines at once what querylens never instruments (classes of the JDK and of
 * querylens, class files that name no JDBC type: nine in ten, then classes that implement no JDBC interface, told from
 * the heads of their own and their supertypes' class files) and hands the rest to Byte Buddy's transformer once
 * {@link TransformerSetup} has built it.
 */
final class DeferredTransformer implements ClassFileTransformer {

  private final JdbcClassFilter filter;
  private final TransformerSetup setup;

  DeferredTransformer(JdbcClassFilter filter, TransformerSetup setup) {
    this.filter = filter;
    this.setup = setup;
  }

  @Override
  public byte[] transform(
      Module module, ClassLoader loader, String internalName, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] classFile) throws IllegalClassFormatException {
    if (!mayInstrument(loader, internalName, classFile)) {
      return null;
    }
    ClassFileTransformer ready = setup.await(internalName);
    return ready == null ? null
        : ready.transform(module, loader, internalName, classBeingRedefined, protectionDomain, classFile);
  }

  @Override
  public byte[] transform(
      ClassLoader loader, String internalName, Class<?> classBeingRedefined, ProtectionDomain protectionDomain,
      byte[] classFile) throws IllegalClassFormatException {
    if (!mayInstrument(loader, internalName, classFile)) {
      return null;
    }
    ClassFileTransformer ready = setup.await(internalName);
    return ready == null ? null
        : ready.transform(loader, internalName, classBeingRedefined, protectionDomain, classFile);
  }

  /**
   * False for what Byte Buddy's transformer would decline anyway, decided without it: the bootstrap and platform class
   * loaders' classes, the JDK's, querylens' own (among them the ones its builder thread loads), class files that name
   * no JDBC type, and classes that implement no JDBC interface.
   */
  private boolean mayInstrument(ClassLoader loader, String internalName, byte[] classFile) {
    if (loader == null || internalName == null || setup.isBuilding(Thread.currentThread())
        || loader == ClassLoader.getPlatformClassLoader()) {
      return false;
    }
    if (internalName.startsWith("java/") || internalName.startsWith("jdk/") || internalName.startsWith("sun/")
        || internalName.startsWith("com/sun/") || internalName.startsWith("io/querylens/")) {
      return false;
    }
    if (!filter.worthALook(internalName, classFile)) {
      return false;
    }
    if (classFile == null || filter.isNamedTarget(internalName)) {
      return true;
    }
    // Byte Buddy instruments classes implementing a JDBC interface. Most classes that only use JDBC types (a DAO, a
    // Spring or Hibernate class throwing SQLException) are told apart here from their class files' heads, for a
    // fraction of what Byte Buddy's parse costs; a hierarchy that cannot be read is left to Byte Buddy.
    try {
      ClassHeader header = ClassHeader.read(classFile);
      return !header.isInterface() && JdbcSupertypes.of(header, loader) != 0;
    } catch (RuntimeException unreadable) {
      return true; // Byte Buddy decides, as it did before this check
    }
  }
}
