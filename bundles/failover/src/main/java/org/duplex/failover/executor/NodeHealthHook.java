package org.duplex.failover.executor;

import java.util.Optional;

import org.duplex.failover.model.MonitorBinding;

/**
 * What the node does about its own failed node-health checks beyond reporting them ({@code on-fail=reboot}: the
 * self-reboot, {@link org.duplex.failover.selffence.SelfReboot}). The executor calls it; it never blocks.
 */
public interface NodeHealthHook {

    NodeHealthHook NONE = new NodeHealthHook() {
    };

    /**
     * Words added to the result of a FAILED {@code on-fail=reboot} binding, so every display and the engine's
     * reasons say what the node does about it ("reboots itself once nothing runs here", "REFUSED by the guard").
     */
    default Optional<String> note(MonitorBinding binding) {
        return Optional.empty();
    }

    /**
     * Asked when an {@code on-fail=reboot} binding starts on this node: present when the node rebooted itself
     * recently, with why it stays not eligible until a check of the binding passes (a FAILING, UNKNOWN or missing
     * check keeps it banned: only HEALTHY or DEGRADED lifts it).
     */
    default Optional<String> afterReboot(MonitorBinding binding) {
        return Optional.empty();
    }

    /** After a check of an {@code on-fail=reboot} binding and after every operation: time to look again. */
    default void changed() {
    }
}
