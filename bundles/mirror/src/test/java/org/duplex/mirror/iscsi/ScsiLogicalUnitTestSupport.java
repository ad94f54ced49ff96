package org.duplex.mirror.iscsi;

final class ScsiLogicalUnitTestSupport {
    private ScsiLogicalUnitTestSupport() {
    }

    static long u32(byte[] b, int off) {
        return ((long) (b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8)
                | (b[off + 3] & 0xff);
    }
}
