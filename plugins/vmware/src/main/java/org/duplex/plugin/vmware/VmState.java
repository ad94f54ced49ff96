package org.duplex.plugin.vmware;

import java.util.List;
import java.util.Map;

/**
 * What vSphere says about a VM and its guest.
 *
 * @param power     poweredOn, poweredOff or suspended
 * @param tools     VMware Tools' running status (guestToolsRunning, guestToolsNotRunning, ...; empty if unknown)
 * @param ip        the guest's primary IP address as the tools report it, empty if none
 * @param heartbeat the guest heartbeat: green, yellow, red or gray (gray: no tools)
 */
public record VmState(String power, String tools, String ip, String heartbeat) {

    static final List<String> PATHS = List.of("runtime.powerState", "guest.toolsRunningStatus", "guest.ipAddress",
            "summary.quickStats.guestHeartbeatStatus");

    static VmState of(Map<String, String> p) {
        return new VmState(p.getOrDefault("runtime.powerState", ""), p.getOrDefault("guest.toolsRunningStatus", ""),
                p.getOrDefault("guest.ipAddress", ""), p.getOrDefault("summary.quickStats.guestHeartbeatStatus", ""));
    }

    public boolean on() {
        return power.equals("poweredOn");
    }

    public boolean off() {
        return power.equals("poweredOff");
    }

    public boolean toolsRunning() {
        return tools.equals("guestToolsRunning");
    }

    /** "poweredOn, tools guestToolsRunning, IP 10.0.0.5, heartbeat green" */
    public String describe() {
        return power + ", tools " + (tools.isEmpty() ? "unknown" : tools) + ", IP " + (ip.isEmpty() ? "none" : ip)
                + ", heartbeat " + (heartbeat.isEmpty() ? "unknown" : heartbeat);
    }
}
