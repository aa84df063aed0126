package dev.edgeagent.protocols.lidar;

/**
 * Receives each assembled sweep on the assembler's thread. Both arguments are reused for the next sweep: copy what
 * must outlive the call. Must not throw.
 */
@FunctionalInterface
public interface SweepListener {

    void onSweep(SweepInfo info, PointBuffer points);
}
