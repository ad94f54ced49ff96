package org.duplex.failover.fence;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The device types a {@code type =} line may name: {@code exec} (a script), {@code ipmi} (a BMC through
 * ipmitool) and {@code sbd} (a poison pill on a shared disk). A new type (a hypervisor API, a PDU) is one more entry: a
 * constructor from {@link FenceDeviceConfig} that checks its own parameters.
 */
public final class FenceDeviceTypes {

    private static final Map<String, Function<FenceDeviceConfig, FenceDevice>> TYPES = new TreeMap<>(Map.of(
            "exec", ExecFenceDevice::new,
            "ipmi", IpmiFenceDevice::new,
            "sbd", org.duplex.failover.fence.sbd.SbdFenceDevice::new));

    private FenceDeviceTypes() {
    }

    /** @throws IllegalArgumentException unknown type or bad parameters, naming the device */
    public static FenceDevice create(FenceDeviceConfig config) {
        Function<FenceDeviceConfig, FenceDevice> f = TYPES.get(config.type());
        if (f == null) {
            throw new IllegalArgumentException("fencing device " + config.name() + ": unknown type '" + config.type()
                    + "'; known types: " + String.join(", ", TYPES.keySet()));
        }
        return f.apply(config);
    }
}
