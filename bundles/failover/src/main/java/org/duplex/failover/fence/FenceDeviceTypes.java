package org.duplex.failover.fence;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

import org.duplex.api.fence.FenceAgent;

/**
 * The device types a {@code type =} line may name: {@code exec} (a script), {@code ipmi} (a BMC through
 * ipmitool) and {@code sbd} (a poison pill on a shared disk) are built in; any other type is a plug-in's
 * {@link FenceAgent} ({@code org.duplex.api.fence}, e.g. {@code vmware}), looked up by its type when the device acts
 * ({@link PluginFenceDevice}).
 */
public final class FenceDeviceTypes {

    private static final Map<String, Function<FenceDeviceConfig, FenceDevice>> TYPES = new TreeMap<>(Map.of(
            "exec", ExecFenceDevice::new,
            "ipmi", IpmiFenceDevice::new,
            "sbd", org.duplex.failover.fence.sbd.SbdFenceDevice::new));

    private FenceDeviceTypes() {
    }

    /** Built-in types only. @throws IllegalArgumentException unknown type or bad parameters, naming the device */
    public static FenceDevice create(FenceDeviceConfig config) {
        return create(config, null);
    }

    /**
     * A built-in type, or else a device of a plug-in type whose {@link FenceAgent} {@code agents} finds (now or
     * later: the device asks at each action). With {@code agents} null only built-in types are known.
     *
     * @throws IllegalArgumentException unknown type (no lookup) or bad parameters, naming the device
     */
    public static FenceDevice create(FenceDeviceConfig config, Function<String, Optional<FenceAgent>> agents) {
        Function<FenceDeviceConfig, FenceDevice> f = TYPES.get(config.type());
        if (f == null && agents != null) {
            return new PluginFenceDevice(config, agents);
        }
        if (f == null) {
            throw new IllegalArgumentException("fencing device " + config.name() + ": unknown type '" + config.type()
                    + "'; known types: " + String.join(", ", TYPES.keySet()));
        }
        return f.apply(config);
    }
}
