package org.duplex.mirror.block;

/**
 * Why a block device refused a request, independent of the front end that reports it: the NBD server maps these to
 * NBD error numbers, another front end (iSCSI) would map them to SCSI sense data.
 */
public enum BlockError {
    /** Not allowed in this state (a secondary leg, a leg that is not up to date, a demotion). */
    NOT_PERMITTED,
    /** The request failed (and was not acknowledged): I/O error, fencing timeout. */
    IO,
    /** Malformed request (a range beyond the end of the device). */
    INVALID,
    /** No space left for the request. */
    NO_SPACE
}
