package org.duplex.mirror.nbd;

/**
 * Block size constraints advertised with NBD_INFO_BLOCK_SIZE.
 *
 * @param minimum    alignment of offsets and lengths (a power of two), enforced only for clients that asked
 * @param preferred  preferred request size
 * @param maxPayload largest READ/WRITE payload accepted
 */
public record BlockSizeLimits(int minimum, int preferred, int maxPayload) {

    public static final BlockSizeLimits DEFAULT = new BlockSizeLimits(512, 4096, 32 << 20);

    public BlockSizeLimits {
        if (minimum < 1 || Integer.bitCount(minimum) != 1 || minimum > 65536) {
            throw new IllegalArgumentException("minimum block size must be a power of two in 1..65536: " + minimum);
        }
        if (preferred < minimum || Integer.bitCount(preferred) != 1) {
            throw new IllegalArgumentException("preferred block size must be a power of two >= minimum");
        }
        if (maxPayload < preferred || maxPayload % minimum != 0) {
            throw new IllegalArgumentException("max payload must be >= preferred and a multiple of minimum");
        }
    }
}
