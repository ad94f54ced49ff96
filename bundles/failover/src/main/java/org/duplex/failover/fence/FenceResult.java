package org.duplex.failover.fence;

import java.time.Duration;
import java.util.Objects;

import org.duplex.api.model.NodeId;

/**
 * What one device answered to one action.
 *
 * @param device   the device's name
 * @param node     the node acted on
 * @param action   off, on or status
 * @param exit     the exit code; -1 when it timed out and was killed
 * @param output   stdout and stderr, trimmed and bounded
 * @param timedOut true when it did not finish within the device's timeout
 * @param elapsed  how long it ran
 */
public record FenceResult(String device, NodeId node, FenceAction action, int exit, String output,
                          boolean timedOut, Duration elapsed) {

    public FenceResult {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(elapsed, "elapsed");
    }

    /** off/on: done; status: the node is powered/connected. */
    public boolean ok() {
        return !timedOut && exit == 0;
    }

    /** For status: 0 = on, 1 = off, anything else (or a timeout) = the device could not tell. */
    public String status() {
        if (timedOut) {
            return "error";
        }
        return exit == 0 ? "on" : exit == 1 ? "off" : "error";
    }

    /** "ipmi1: off node1 -> exit 0 in 1200 ms: Chassis Power Control: Down/Off". */
    public String describe() {
        String how = timedOut ? "timed out, killed" : "exit " + exit
                + (action == FenceAction.STATUS ? " (" + status() + ")" : "");
        return device + ": " + action.word() + " " + node + " -> " + how + " in " + elapsed.toMillis() + " ms"
                + (output.isBlank() ? "" : ": " + output);
    }
}
