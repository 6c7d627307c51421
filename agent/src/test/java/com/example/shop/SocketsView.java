package com.example.shop;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.management.ObjectName;

/**
 * Runs the N+1 feed on H2, waits (up to 60 s) for querylens' MXBean when the agent is there, then prints how many
 * sockets this JVM listens on (TCP in LISTEN state, or any UDP socket), read from {@code /proc}: Linux only.
 */
public final class SocketsView {

  private SocketsView() {}

  public static void main(String[] args) throws Exception {
    try (Connection connection = Db.connect()) {
      Db.seedUsersAndProfiles(connection, 40);
      new FeedService(connection).renderWithNPlusOne();
    }
    ObjectName querylens = new ObjectName("querylens:type=QueryLens");
    boolean registered = false;
    for (int i = 0; i < 600 && !registered && args.length > 0 && args[0].equals("wait-for-mbean"); i++) {
      registered = ManagementFactory.getPlatformMBeanServer().isRegistered(querylens);
      Thread.sleep(100);
    }
    System.out.println("querylens MXBean registered: " + registered);
    System.out.println("listening sockets: " + listeningSockets());
  }

  static int listeningSockets() throws IOException {
    Set<String> inodes = new HashSet<>();
    try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path descriptor : descriptors) {
        try {
          String target = Files.readSymbolicLink(descriptor).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring("socket:[".length(), target.length() - 1));
          }
        } catch (IOException closedMeanwhile) {
          // the directory stream's own descriptor, gone by now
        }
      }
    }
    int listening = 0;
    for (String table : List.of("tcp", "tcp6", "udp", "udp6")) {
      Path path = Path.of("/proc/self/net", table);
      if (!Files.exists(path)) {
        continue;
      }
      List<String> lines = Files.readAllLines(path);
      for (String line : lines.subList(1, lines.size())) {
        String[] fields = line.trim().split("\\s+");
        boolean listens = table.startsWith("udp") || fields[3].equals("0A");
        if (listens && inodes.contains(fields[9])) {
          listening++;
        }
      }
    }
    return listening;
  }
}
