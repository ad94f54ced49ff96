package org.duplex.api.agent;

/**
 * Result codes of agent operations, following the OCF resource agent convention so that third-party scripts
 * written for Pacemaker's conventions fit unchanged (0 running / success, 7 not running, others errors).
 */
public enum OcfStatus {
    SUCCESS(0),
    ERR_GENERIC(1),
    ERR_ARGS(2),
    ERR_UNIMPLEMENTED(3),
    ERR_PERM(4),
    ERR_INSTALLED(5),
    ERR_CONFIGURED(6),
    NOT_RUNNING(7),
    /** Not an OCF exit code: the operation did not finish within its timeout. */
    TIMEOUT(-1);

    private final int code;

    OcfStatus(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** Maps a script's exit code; unknown codes are generic errors. */
    public static OcfStatus fromExitCode(int exitCode) {
        for (OcfStatus s : values()) {
            if (s.code == exitCode && s != TIMEOUT) {
                return s;
            }
        }
        return ERR_GENERIC;
    }
}
