package io.mmdeploy.engine.plan;

/**
 * One phase of the plan and whether a person must approve before it applies.
 *
 * @param gated an approval gate stands before the phase's apply
 */
public record PhasePlan(Phase phase, boolean gated) {}
