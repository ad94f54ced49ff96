package org.duplex.plugin.vmware;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;

/**
 * The {@code vmware-vm} resource as one node sees it: {@link VmControl} for vSphere, {@link VmOwnership} for "is it
 * active <em>here</em>". Monitor on a node that did not start it answers {@code NOT_RUNNING} without asking vSphere
 * (the VM may well run, for another node); stop there succeeds without touching the VM, so a stop sent to the wrong
 * node can never power off the VM another node serves. Start is vSphere's idempotent power-on, then the claim.
 */
public final class VmResource {

    private final VmControl control;
    private final VmOwnership owned;

    VmResource(VmControl control, VmOwnership owned) {
        this.control = control;
        this.owned = owned;
    }

    public OperationResult start(String resource, Map<String, String> params, Duration timeout)
            throws InterruptedException {
        OperationResult r = control.start(params, timeout);
        if (r.isSuccess()) {
            try {
                owned.claim(resource, params.getOrDefault(VmControl.VM, "").trim());
            } catch (UncheckedIOException e) {
                return OperationResult.of(OcfStatus.ERR_GENERIC, r.reason() + ", but " + e.getMessage(), r.elapsed());
            }
        }
        return r;
    }

    public OperationResult stop(String resource, Map<String, String> params, Duration timeout)
            throws InterruptedException {
        Optional<String> vm;
        try {
            vm = owned.held(resource);
        } catch (UncheckedIOException e) {
            return OperationResult.of(OcfStatus.ERR_GENERIC, e.getMessage(), Duration.ZERO);
        }
        if (vm.isEmpty()) {
            return OperationResult.success("not started on this node: VM " + params.getOrDefault(VmControl.VM, "?")
                    + " left as it is", Duration.ZERO);
        }
        OperationResult r = control.stop(params, timeout);
        if (r.isSuccess()) {
            try {
                owned.release(resource);
            } catch (UncheckedIOException e) {
                return OperationResult.of(OcfStatus.ERR_GENERIC, r.reason() + ", but " + e.getMessage(), r.elapsed());
            }
        }
        return r;
    }

    public OperationResult monitor(String resource, Map<String, String> params, Duration timeout)
            throws InterruptedException {
        try {
            if (owned.held(resource).isEmpty()) {
                return OperationResult.of(OcfStatus.NOT_RUNNING, "not started on this node (VM "
                        + params.getOrDefault(VmControl.VM, "?") + " is not asked: it may run for another node)",
                        Duration.ZERO);
            }
        } catch (UncheckedIOException e) {
            return OperationResult.of(OcfStatus.ERR_GENERIC, e.getMessage(), Duration.ZERO);
        }
        return control.monitor(params, timeout);
    }
}
