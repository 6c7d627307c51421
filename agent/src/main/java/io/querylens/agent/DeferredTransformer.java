package io.querylens.agent;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;

/**
 * What querylens does with a class file about to be loaded at JVM start: it is handed the class files the class
 * loaders define (see {@link ClassDefinitionHook}), or, where that hook cannot be used, is registered with the JVM and
 * sees every class loaded. It declines at once what querylens never instruments (classes of the JDK and of
 * querylens, class files that name no JDBC type: nine in ten, then classes that implement no JDBC interface, told from
 * the heads of their own and their supertypes' class files), defines a class instrumented in an earlier run as it was
 * kept (see {@link InstrumentedClassCache}), and hands the rest to Byte Buddy's transformer once
 * {@link TransformerSetup} has built it, keeping what it returns.
 */
final class DeferredTransformer implements ClassFileTransformer {

  /** What {@link #jdbcInterfaces} returns for a class querylens does not instrument. */
  private static final int DECLINED = Integer.MIN_VALUE;
  /** What {@link #jdbcInterfaces} returns when the class's hierarchy could not be read: Byte Buddy decides. */
  private static final int UNKNOWN = -1;

  /**
   * The agent jar's classes, querylens' core and the libraries it bundles relocated under them (spelled from a class
   * name: the jar's build would relocate a literal {@code io/querylens/} to querylens' core alone).
   */
  private static final String OWN_CLASSES = DeferredTransformer.class.getPackageName().replace('.', '/') + "/";

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
    return transform(loader, internalName, classBeingRedefined, classFile, byteBuddy ->
        byteBuddy.transform(module, loader, internalName, classBeingRedefined, protectionDomain, classFile));
  }

  @Override
  public byte[] transform(
      ClassLoader loader, String internalName, Class<?> classBeingRedefined, ProtectionDomain protectionDomain,
      byte[] classFile) throws IllegalClassFormatException {
    return transform(loader, internalName, classBeingRedefined, classFile, byteBuddy ->
        byteBuddy.transform(loader, internalName, classBeingRedefined, protectionDomain, classFile));
  }

  /** One of the two calls of Byte Buddy's transformer, with or without the class's module. */
  private interface ByteBuddyCall {
    byte[] on(ClassFileTransformer byteBuddy) throws IllegalClassFormatException;
  }

  private byte[] transform(ClassLoader loader, String internalName, Class<?> classBeingRedefined, byte[] classFile,
      ByteBuddyCall instrument) throws IllegalClassFormatException {
    int interfaces = jdbcInterfaces(loader, internalName, classFile);
    if (interfaces == DECLINED || !setup.awaitSetUp(internalName)) {
      return null;
    }
    // A class defined for the first time, whose hierarchy was read, is looked up in (and kept in) the cache, if any.
    InstrumentedClassCache cache = classBeingRedefined == null && classFile != null && interfaces != UNKNOWN
        ? setup.cache() : null;
    byte[] kept = cache == null ? null : cache.find(internalName, interfaces, classFile);
    if (kept != null) {
      return kept;
    }
    ClassFileTransformer ready = setup.await(internalName);
    byte[] instrumented = ready == null ? null : instrument.on(ready);
    if (cache != null && instrumented != null) {
      cache.keep(internalName, interfaces, classFile, instrumented);
    }
    return instrumented;
  }

  /**
   * Whether a class of this loader and name may be instrumented at all, before its class file is looked at: not for
   * the bootstrap and platform class loaders' classes, the JDK's, querylens' own, and those the set-up loads.
   */
  boolean mayInstrument(ClassLoader loader, String internalName) {
    return loader != null && internalName != null && !setup.isBuilding(Thread.currentThread())
        && loader != ClassLoader.getPlatformClassLoader() && !internalName.startsWith("java/")
        && !internalName.startsWith("jdk/") && !internalName.startsWith("sun/")
        && !internalName.startsWith("com/sun/") && !internalName.startsWith(OWN_CLASSES);
  }

  /**
   * {@link #DECLINED} for what Byte Buddy's transformer would decline anyway, decided without it: the bootstrap and
   * platform class loaders' classes, the JDK's, querylens' own (among them the ones its builder thread loads), class
   * files that name no JDBC type, and classes that implement no JDBC interface. Otherwise the JDBC interfaces the
   * class's hierarchy implements (a {@link JdbcSupertypes} mask; 0 for a class instrumented by name), or
   * {@link #UNKNOWN}.
   */
  private int jdbcInterfaces(ClassLoader loader, String internalName, byte[] classFile) {
    if (!mayInstrument(loader, internalName)) {
      return DECLINED;
    }
    if (!filter.worthALook(internalName, classFile)) {
      return DECLINED;
    }
    if (classFile == null || filter.isNamedTarget(internalName)) {
      return 0;
    }
    // Byte Buddy instruments classes implementing a JDBC interface. Most classes that only use JDBC types (a DAO, a
    // Spring or Hibernate class throwing SQLException) are told apart here from their class files' heads, for a
    // fraction of what Byte Buddy's parse costs; a hierarchy that cannot be read is left to Byte Buddy.
    try {
      ClassHeader header = ClassHeader.read(classFile);
      if (header.isInterface()) {
        return DECLINED;
      }
      int interfaces = JdbcSupertypes.of(header, loader);
      return interfaces == 0 ? DECLINED : interfaces; // -1: a supertype could not be read, UNKNOWN
    } catch (RuntimeException unreadable) {
      return UNKNOWN; // Byte Buddy decides, as it did before this check
    }
  }
}
