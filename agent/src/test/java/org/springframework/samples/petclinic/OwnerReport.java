package org.springframework.samples.petclinic;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * An application whose package starts like a framework's (Spring PetClinic's): its frames must still be recognised
 * as application code, because the class was loaded from the application's classes directory. Uses no logging
 * library at all, so findings go to stderr.
 */
public final class OwnerReport {

  public static void main(String[] args) throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:h2:mem:petclinic")) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("create table owners (id int primary key, name varchar(50))");
        statement.execute("create table pets (id int primary key, owner_id int, name varchar(50))");
        for (int i = 1; i <= 10; i++) {
          statement.addBatch("insert into owners values (" + i + ", 'owner " + i + "')");
          statement.addBatch("insert into pets values (" + i + ", " + i + ", 'pet " + i + "')");
        }
        statement.executeBatch();
      }
      new OwnerReport().print(connection);
    }
  }

  void print(Connection connection) throws Exception {
    for (int owner = 1; owner <= 10; owner++) {
      try (PreparedStatement pets = connection.prepareStatement("select name from pets where owner_id = ?")) {
        pets.setInt(1, owner);
        try (ResultSet rows = pets.executeQuery()) {
          while (rows.next()) {
            System.out.println(owner + " owns " + rows.getString(1));
          }
        }
      }
    }
  }
}
