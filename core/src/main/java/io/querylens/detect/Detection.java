package io.querylens.detect;

import io.querylens.callsite.CallSite;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.record.UnitKind;
import io.querylens.sql.StatementShape;

/**
 * What a detector saw, captured cheaply on the application thread. The reporter turns it into a
 * {@link io.querylens.finding.Finding} off that thread ({@link Detector#describe}), after checking whether the same
 * problem was already reported.
 *
 * @param detector who saw it
 * @param type the finding type
 * @param severity how bad
 * @param shape the statement shape
 * @param callSite where the application issued it
 * @param count executions involved
 * @param distinctValues distinct value sets among them (N+1), or 0
 * @param totalNanos time spent in them
 * @param maxNanos the longest of them
 * @param unitKind the kind of unit of work they ran in
 * @param unitName the unit's name
 * @param rawSql one execution's raw SQL, only when {@code log.parameters=true}, else null
 * @param parameters one execution's bind values, only when {@code log.parameters=true}, else null
 * @param contextLoader the application thread's context class loader (to find its logging)
 * @param problemKey identifies the distinct problem; equal keys are reported once
 * @param evidence what a detector needs beyond the fields above to describe it (a connection's checkout, a pool's
 *     exhaustion episode), or null
 */
public record Detection(
    Detector detector,
    FindingType type,
    Severity severity,
    StatementShape shape,
    CallSite callSite,
    long count,
    long distinctValues,
    long totalNanos,
    long maxNanos,
    UnitKind unitKind,
    String unitName,
    String rawSql,
    String parameters,
    ClassLoader contextLoader,
    String problemKey,
    Object evidence) {}
