package io.querylens.agent;

import io.querylens.internal.Diagnostics;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The transformer registered at JVM start, so that starting querylens' core and building Byte Buddy's transformer
 * (about 100 and 450 ms of loading, linking and first runs of their classes) happen on a thread of their own while
 * the application starts, not before its {@code main}. It declines at
 * once what querylens never instruments (classes of the JDK and of querylens, class files that name no JDBC type: nine
 * in ten, then classes that implement no JDBC interface, told from the heads of their own and their supertypes' class
 * files) and hands the rest to Byte Buddy's transformer. A class that needs it before it is built waits for it; only
 * an application that loads a JDBC class in its first few hundred milliseconds does, and no longer than querylens took
 * before.
 */
final class DeferredTransformer implements ClassFileTransformer {

  private static final long MAX_WAIT_SECONDS = 30;

  private final JdbcClassFilter filter;
  private final CountDownLatch built = new CountDownLatch(1);
  private final AtomicBoolean toldNotReady = new AtomicBoolean();
  private volatile ClassFileTransformer delegate;
  private volatile Thread builder;

  DeferredTransformer(JdbcClassFilter filter) {
    this.filter = filter;
  }

  /** Builds the transformer classes are handed to, on a new daemon thread. */
  void buildInBackground(Supplier<ClassFileTransformer> build) {
    Thread thread = new Thread(() -> {
      try {
        delegate = build.get();
      } catch (Throwable failed) {
        Diagnostics.error("setting up the instrumentation (JDBC is not watched)", failed);
      } finally {
        built.countDown();
      }
    }, "querylens-instrumentation-setup");
    thread.setDaemon(true);
    builder = thread;
    thread.start();
  }

  @Override
  public byte[] transform(
      Module module, ClassLoader loader, String internalName, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] classFile) throws IllegalClassFormatException {
    if (!mayInstrument(loader, internalName, classFile)) {
      return null;
    }
    ClassFileTransformer ready = ready(internalName);
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
    ClassFileTransformer ready = ready(internalName);
    return ready == null ? null
        : ready.transform(loader, internalName, classBeingRedefined, protectionDomain, classFile);
  }

  /**
   * False for what Byte Buddy's transformer would decline anyway, decided without it: the bootstrap and platform class
   * loaders' classes, the JDK's, querylens' own (among them the ones its builder thread loads), class files that name
   * no JDBC type, and classes that implement no JDBC interface.
   */
  private boolean mayInstrument(ClassLoader loader, String internalName, byte[] classFile) {
    if (loader == null || internalName == null || Thread.currentThread() == builder
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

  /** Byte Buddy's transformer, once built (waiting for it if need be), or null if it could not be. */
  private ClassFileTransformer ready(String internalName) {
    if (built.getCount() != 0) {
      try {
        if (!built.await(MAX_WAIT_SECONDS, TimeUnit.SECONDS) && toldNotReady.compareAndSet(false, true)) {
          Diagnostics.say("the instrumentation was not ready after " + MAX_WAIT_SECONDS + " s; "
              + internalName.replace('/', '.') + " and other classes loaded meanwhile are not watched");
        }
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return delegate;
  }
}
