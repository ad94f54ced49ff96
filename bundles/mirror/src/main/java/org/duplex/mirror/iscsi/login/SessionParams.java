package org.duplex.mirror.iscsi.login;

/**
 * What login settled for a session (RFC 7143 §13). {@code maxSendDataSegmentLength} is the initiator's declared
 * MaxRecvDataSegmentLength (what this target may send per PDU); {@code maxRecvDataSegmentLength} is ours.
 */
public record SessionParams(boolean discovery, String initiatorName, String targetName, boolean headerDigest,
                            boolean dataDigest, int maxRecvDataSegmentLength, int maxSendDataSegmentLength,
                            int maxBurstLength, int firstBurstLength, boolean initialR2T, boolean immediateData,
                            int maxOutstandingR2T, boolean dataPduInOrder, boolean dataSequenceInOrder,
                            int errorRecoveryLevel, int defaultTime2Wait, int defaultTime2Retain, int maxConnections) {
}
