package io.querylens.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.pool.OpensConnections;
import io.querylens.QueryLens;
import io.querylens.testing.LibraryLens;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Through querylens' own wrapper on a real H2 database: a thread that has just closed a connection of its own (its
 * close nested nothing any more once it returned, or threw) still finds, when it closes a connection another thread
 * took, that other thread's checkout. Proves the wiring that ends a close ({@code Hooks.afterConnectionClosed}).
 */
class CloseOnAnotherThreadTest {

  @ParameterizedTest(name = "own close throws: {0}")
  @ValueSource(booleans = {false, true})
  void aConnectionTakenOnAnotherThreadIsReleasedAfterThisThreadClosedItsOwn(boolean ownCloseThrows) throws Exception {
    try (LibraryLens lens = new LibraryLens()) {
      ConnectionTracker tracker = lens.start(settings -> settings).recorder().connections();
      JdbcDataSource h2 = new JdbcDataSource();
      h2.setURL("jdbc:h2:mem:close-elsewhere;DB_CLOSE_DELAY=-1");
      DataSource throwing = QueryLens.wrap(closeThrowing(h2));
      DataSource plain = QueryLens.wrap(h2);

      Connection others = CompletableFuture.supplyAsync(() -> {
        try {
          return OpensConnections.open(plain);
        } catch (SQLException failed) {
          throw new IllegalStateException(failed);
        }
      }).get();
      Connection own = OpensConnections.open(ownCloseThrows ? throwing : plain);
      assertThat(tracker.openCheckouts()).hasSize(2);

      if (ownCloseThrows) {
        assertThatThrownBy(own::close).isInstanceOf(SQLException.class).hasMessage("close failed");
      } else {
        own.close();
      }
      others.close();

      assertThat(tracker.openCheckouts()).as("both closes seen").isEmpty();
      assertThat(tracker.pools()).allSatisfy(pool -> assertThat(pool.inUse()).isZero());
      assertThat(lens.diagnostics()).doesNotContain("error");
    }
  }

  /** H2's data source whose connections close and then throw. */
  private static DataSource closeThrowing(JdbcDataSource h2) {
    return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
        (proxy, method, arguments) -> {
          Object result = invoke(h2, method, arguments);
          if (!(result instanceof Connection connection)) {
            return result;
          }
          return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
              (connectionProxy, connectionMethod, connectionArguments) -> {
                Object returned = invoke(connection, connectionMethod, connectionArguments);
                if (connectionMethod.getName().equals("close")) {
                  throw new SQLException("close failed");
                }
                return returned;
              });
        });
  }

  private static Object invoke(Object target, java.lang.reflect.Method method, Object[] arguments) throws Throwable {
    try {
      return method.invoke(target, arguments);
    } catch (InvocationTargetException thrown) {
      throw thrown.getCause();
    }
  }
}
