package com.example.jdbcshapes;

import java.sql.Connection;

/** An interface extending a JDBC interface. */
public interface JdbcInterface extends Connection {}
