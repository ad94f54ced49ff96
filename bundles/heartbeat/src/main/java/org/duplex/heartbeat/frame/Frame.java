package org.duplex.heartbeat.frame;

import java.util.Arrays;
import java.util.Objects;

/**
 * One heartbeat frame, as sent on every kind of link.
 *
 * @param cluster        the cluster name; a frame of another cluster is rejected
 * @param sender         the sending node id
 * @param stream         the sender's link name: sequence numbers increase per (sender, stream)
 * @param incarnation    changes on every start of the sender (its start time in ms), so restarts are not replays
 * @param sequence       increases by one per frame within (incarnation, stream)
 * @param sendTimeMillis the sender's wall clock at sending, epoch ms (for latency statistics only)
 * @param payloadType    what the payload holds
 * @param payload        the sender's status, encoded by the status package
 */
public record Frame(String cluster, String sender, String stream, long incarnation, long sequence,
        long sendTimeMillis, PayloadType payloadType, byte[] payload) {

    public Frame {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(payloadType, "payloadType");
        payload = Objects.requireNonNull(payload, "payload").clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** What a frame's payload holds: full status on IP links, the compact status on serial and disk. */
    public enum PayloadType {
        FULL_STATUS(1),
        COMPACT_STATUS(2);

        final int code;

        PayloadType(int code) {
            this.code = code;
        }

        static PayloadType of(int code) {
            for (PayloadType t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            return null;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f && cluster.equals(f.cluster) && sender.equals(f.sender)
                && stream.equals(f.stream) && incarnation == f.incarnation && sequence == f.sequence
                && sendTimeMillis == f.sendTimeMillis && payloadType == f.payloadType
                && Arrays.equals(payload, f.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cluster, sender, stream, incarnation, sequence, sendTimeMillis, payloadType,
                Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "Frame[" + cluster + "/" + sender + "/" + stream + " inc=" + incarnation + " seq=" + sequence
                + " " + payloadType + " " + payload.length + "B]";
    }
}
