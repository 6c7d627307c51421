package com.example.shipping;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * A shipping service's data access over one big table, {@code shipments_<suffix>}: the statements the missing-index
 * tests run, each from its own method so that findings name it as the call site.
 */
public final class Shipments {

  private final DataSource dataSource;
  private final String table;

  public Shipments(DataSource dataSource, String table) {
    this.dataSource = dataSource;
    this.table = table;
  }

  /** The table it reads. */
  public String table() {
    return table;
  }

  /**
   * Creates {@code table} with {@code rows} shipments spread over 500 carriers, on H2, PostgreSQL or MariaDB (told
   * from the connection), and refreshes its statistics.
   */
  public static void createSchema(DataSource dataSource, String table, int rows, boolean postgres)
      throws SQLException {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      boolean mariaDb = connection.getMetaData().getDatabaseProductName().equals("MariaDB");
      statement.execute("create table " + table + " (id bigint primary key, carrier_id int not null, "
          + "shipped_at timestamp not null, status varchar(16) not null, note varchar(40) not null)");
      if (postgres) {
        statement.execute("insert into " + table + " select g, g % 500, timestamp '2026-01-01' + g * interval "
            + "'1 minute', case g % 3 when 0 then 'NEW' when 1 then 'SENT' else 'DONE' end, 'note ' || g "
            + "from generate_series(1, " + rows + ") g");
        statement.execute("analyze " + table);
      } else if (mariaDb) {
        // seq_1_to_N: the Sequence engine's table of the numbers 1 to N.
        statement.execute("insert into " + table + " select seq, seq % 500, timestamp '2026-01-01 00:00:00' "
            + "+ interval seq minute, case seq % 3 when 0 then 'NEW' when 1 then 'SENT' else 'DONE' end, "
            + "concat('note ', seq) from seq_1_to_" + rows);
        statement.execute("analyze table " + table);
      } else {
        statement.execute("insert into " + table + " select x, mod(x, 500), timestamp '2026-01-01 00:00:00' + x "
            + "* interval '1' minute, case mod(x, 3) when 0 then 'NEW' when 1 then 'SENT' else 'DONE' end, "
            + "'note ' || x from system_range(1, " + rows + ")");
        statement.execute("analyze table " + table);
      }
    }
  }

  /** Unindexed equality filter. */
  public int byCarrier(int carrierId) throws SQLException {
    try (Connection connection = dataSource.getConnection(); PreparedStatement statement =
        connection.prepareStatement("select id, note from " + table + " where carrier_id = ?")) {
      statement.setInt(1, carrierId);
      return drain(statement.executeQuery());
    }
  }

  /** Unindexed equality filter, the table aliased as Hibernate aliases it. */
  public int byCarrierAliased(int carrierId) throws SQLException {
    try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(
        "select s1_0.id, s1_0.note from " + table + " s1_0 where s1_0.carrier_id = ?")) {
      statement.setInt(1, carrierId);
      return drain(statement.executeQuery());
    }
  }

  /** Equality filter and sort: wants (carrier_id, shipped_at desc). */
  public int latestForCarrier(int carrierId, int limit) throws SQLException {
    try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(
        "select id, shipped_at from " + table + " where carrier_id = ? order by shipped_at desc limit ?")) {
      statement.setInt(1, carrierId);
      statement.setInt(2, limit);
      return drain(statement.executeQuery());
    }
  }

  /** Marks a carrier's shipments sent: an UPDATE filtered by an unindexed column. */
  public int markSent(int carrierId) throws SQLException {
    try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(
        "update " + table + " set status = 'SENT' where carrier_id = ?")) {
      statement.setInt(1, carrierId);
      return statement.executeUpdate();
    }
  }

  /** Shipments whose note starts with {@code prefix}, the pattern written into the SQL. */
  public int notesStartingWith(String prefix) throws SQLException {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      return drain(statement.executeQuery("select id from " + table + " where note like '" + prefix + "%'"));
    }
  }

  /** Primary-key lookup. */
  public int byId(long id) throws SQLException {
    try (Connection connection = dataSource.getConnection(); PreparedStatement statement =
        connection.prepareStatement("select id, note from " + table + " where id = ?")) {
      statement.setLong(1, id);
      return drain(statement.executeQuery());
    }
  }

  /** A filter on the note wrapped in a function: an index on note cannot serve it. */
  public int byNoteIgnoringCase(String note) throws SQLException {
    try (Connection connection = dataSource.getConnection(); PreparedStatement statement =
        connection.prepareStatement("select id from " + table + " where lower(note) = ?")) {
      statement.setString(1, note);
      return drain(statement.executeQuery());
    }
  }

  /** A filter on a column of three values: an index would not pay. */
  public int byStatus(String status) throws SQLException {
    try (Connection connection = dataSource.getConnection(); PreparedStatement statement =
        connection.prepareStatement("select id from " + table + " where status = ?")) {
      statement.setString(1, status);
      return drain(statement.executeQuery());
    }
  }

  /** A filter on the note itself. */
  public int byNote(String note) throws SQLException {
    try (Connection connection = dataSource.getConnection(); PreparedStatement statement =
        connection.prepareStatement("select id from " + table + " where note = ?")) {
      statement.setString(1, note);
      return drain(statement.executeQuery());
    }
  }

  /** Every shipment: an unbounded result. */
  public int all() throws SQLException {
    try (Connection connection = dataSource.getConnection(); PreparedStatement statement =
        connection.prepareStatement("select id, note from " + table)) {
      return drain(statement.executeQuery());
    }
  }

  /** The first hundred shipments. */
  public int firstHundred() throws SQLException {
    try (Connection connection = dataSource.getConnection(); PreparedStatement statement =
        connection.prepareStatement("select id, note from " + table + " order by id limit 100")) {
      return drain(statement.executeQuery());
    }
  }

  /** How many shipments there are. */
  public int count() throws SQLException {
    try (Connection connection = dataSource.getConnection(); PreparedStatement statement =
        connection.prepareStatement("select count(*) from " + table)) {
      return drain(statement.executeQuery());
    }
  }

  /** One page by OFFSET, newest first, offset and page size bound. */
  public int page(int offset, int size) throws SQLException {
    try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(
        "select id, shipped_at from " + table + " order by shipped_at desc, id desc limit ? offset ?")) {
      statement.setInt(1, size);
      statement.setInt(2, offset);
      return drain(statement.executeQuery());
    }
  }

  /** One page by OFFSET, written into the SQL. */
  public int pageWithLiterals(int offset, int size) throws SQLException {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      return drain(statement.executeQuery("select id, note from " + table + " order by id limit " + size
          + " offset " + offset));
    }
  }

  /** One page after the given shipment (keyset pagination). */
  public int pageAfter(long afterId, int size) throws SQLException {
    try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(
        "select id, note from " + table + " where id > ? order by id limit ?")) {
      statement.setLong(1, afterId);
      statement.setInt(2, size);
      return drain(statement.executeQuery());
    }
  }

  /** The notes of the shipments with ids in a range, with no limit: few rows or many from the same shape. */
  public int notesBetween(long from, long to) throws SQLException {
    try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(
        "select id, note from " + table + " where id between ? and ?")) {
      statement.setLong(1, from);
      statement.setLong(2, to);
      return drain(statement.executeQuery());
    }
  }

  /** Shipments with ids in a range: fast for a short range, a long scan for a long one (the same shape). */
  public int countBetween(long from, long to) throws SQLException {
    try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(
        "select count(distinct note) from " + table + " where id between ? and ?")) {
      statement.setLong(1, from);
      statement.setLong(2, to);
      return drain(statement.executeQuery());
    }
  }

  /** One page with no order. */
  public int pageInAnyOrder(int offset, int size) throws SQLException {
    try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(
        "select id, note from " + table + " limit ? offset ?")) {
      statement.setInt(1, size);
      statement.setInt(2, offset);
      return drain(statement.executeQuery());
    }
  }

  /** The carrier compared with a decimal literal: PostgreSQL casts the column, so its index cannot be used. */
  public int byCarrierAsDecimal(BigDecimal carrierId) throws SQLException {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("select id from " + table + " where carrier_id = "
            + carrierId.toPlainString())) {
      return drain(rows);
    }
  }

  /** A carrier's shipments, the carrier written into the SQL (as string-built SQL does). */
  public int byCarrierWritten(int carrierId) throws SQLException {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      return drain(statement.executeQuery("select id from " + table + " where carrier_id = " + carrierId));
    }
  }

  /** New shipments of a carrier: the status a constant in the SQL, the carrier bound. */
  public int newForCarrier(int carrierId) throws SQLException {
    try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(
        "select id from " + table + " where status = 'NEW' and carrier_id = ?")) {
      statement.setInt(1, carrierId);
      return drain(statement.executeQuery());
    }
  }

  /** Shipments whose note matches {@code pattern} (bound). */
  public int noteLike(String pattern) throws SQLException {
    try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(
        "select id from " + table + " where carrier_id = ? and note like ?")) {
      statement.setInt(1, 7);
      statement.setString(2, pattern);
      return drain(statement.executeQuery());
    }
  }

  /** Every pair of a carrier's shipment with a status's shipment: a cross join. */
  public int pairs(int carrierId, String status) throws SQLException {
    try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(
        "select a.id, b.id from " + table + " a, " + table + " b where a.carrier_id = ? and b.status = ? "
            + "and a.id < 2000 and b.id < 20")) {
      statement.setInt(1, carrierId);
      statement.setString(2, status);
      return drain(statement.executeQuery());
    }
  }

  /** Shipments joined with the carrier's others: a proper join. */
  public int sameCarrier(long id) throws SQLException {
    try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(
        "select b.id from " + table + " a, " + table + " b where a.carrier_id = b.carrier_id and a.id = ?")) {
      statement.setLong(1, id);
      return drain(statement.executeQuery());
    }
  }

  /** The shipments with these ids: one bind marker per id. */
  public int byIds(long... ids) throws SQLException {
    String markers = String.join(", ", java.util.Collections.nCopies(ids.length, "?"));
    try (Connection connection = dataSource.getConnection(); PreparedStatement statement =
        connection.prepareStatement("select id, note from " + table + " where id in (" + markers + ")")) {
      for (int i = 0; i < ids.length; i++) {
        statement.setLong(i + 1, ids[i]);
      }
      return drain(statement.executeQuery());
    }
  }

  private static int drain(ResultSet rows) throws SQLException {
    try (rows) {
      int count = 0;
      while (rows.next()) {
        count++;
      }
      return count;
    }
  }
}
