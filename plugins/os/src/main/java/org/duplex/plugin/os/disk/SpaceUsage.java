package org.duplex.plugin.os.disk;

/**
 * Space of one filesystem, as {@code statfs} counts it.
 *
 * @param total       size of the filesystem
 * @param unallocated free blocks, including those reserved for root
 * @param usable      free blocks an unprivileged writer may use
 */
public record SpaceUsage(long total, long unallocated, long usable) {

    public long used() {
        return Math.max(0, total - unallocated);
    }

    /**
     * Used share as df computes "Use%": used / (used + usable), so the blocks reserved for root count as
     * unavailable - the figure an operator sees in {@code df} is the figure the limit applies to.
     */
    public double usedPercent() {
        long denominator = used() + usable;
        return denominator <= 0 ? 0 : 100.0 * used() / denominator;
    }
}
