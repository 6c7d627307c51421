package io.querylens.agent;

import io.querylens.report.FleetReport;
import io.querylens.runtime.QueryLensRuntime;
import java.util.Arrays;
import java.util.List;

/**
 * What {@code java -jar querylens-agent.jar} does (the jar's {@code Main-Class}): the agent itself is attached with
 * {@code -javaagent:}; run as a program, the jar offers its commands. {@code report} merges many services' JSON Lines
 * reports into one HTML page.
 */
public final class QueryLensCommand {

  private static final String HELP = String.join(System.lineSeparator(),
      "usage:",
      "  java -javaagent:querylens-agent.jar[=key=value,...] -jar your-service.jar   watch a service",
      "  java -jar querylens-agent.jar report <findings.jsonl>... [-o fleet.html]     merge reports into one page");

  private QueryLensCommand() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    if (args.length > 0 && args[0].equals("report")) {
      return FleetReport.run(List.of(Arrays.copyOfRange(args, 1, args.length)), System.out, System.err);
    }
    boolean help = args.length == 0 || args[0].equals("-h") || args[0].equals("--help");
    (help ? System.out : System.err).println((help ? "" : "unknown command " + args[0] + System.lineSeparator())
        + QueryLensRuntime.version() + System.lineSeparator() + HELP);
    return help ? 0 : 2;
  }
}
