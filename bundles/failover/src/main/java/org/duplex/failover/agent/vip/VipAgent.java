package org.duplex.failover.agent.vip;

import static org.duplex.failover.agent.Configured.since;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.duplex.api.agent.ResourceAgent;
import org.duplex.api.model.Resource;
import org.duplex.failover.agent.CommandRunner;
import org.duplex.failover.agent.Configured;
import org.duplex.failover.agent.Params;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Virtual IP: adds the address to an interface and announces it at once so that clients and switches learn the
 * new MAC without waiting for their caches to expire. IPv4: {@code ip addr add} then gratuitous ARP
 * ({@code arping -U}, repeated {@code arp-count} times in the background); optional duplicate detection first
 * ({@code arping -D}). IPv6: the kernel's duplicate address detection, then its unsolicited neighbour
 * advertisement ({@code ndisc_notify=1} on the interface), which needs DAD enabled ({@code accept_dad >= 1}).
 *
 * <p>Parameters: {@code ip} (required), {@code interface} (required), {@code cidr} (default 24 / 64),
 * {@code arp-count} (default 3), {@code check-duplicate} (default false, IPv4).
 */
@Component(service = ResourceAgent.class, property = ResourceAgent.TYPE_PROPERTY + "=" + VipAgent.TYPE,
        configurationPid = "org.duplex.failover.agent.vip", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = VipAgent.Config.class)
public class VipAgent implements ResourceAgent {

    public static final String TYPE = "vip";

    @ObjectClassDefinition(name = "Duplex virtual IP agent")
    public @interface Config {
        @AttributeDefinition(description = "Words put before every command (for example 'sudo -n'); empty: none")
        String command_prefix() default "";
    }

    private static final Pattern IFACE = Pattern.compile("[A-Za-z0-9_.@-]{1,15}");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private volatile CommandRunner runner;
    /** Gratuitous ARP senders still repeating, per address: killed on stop, or they would keep claiming it. */
    private final java.util.Map<String, Process> announcers = new java.util.concurrent.ConcurrentHashMap<>();

    public VipAgent() {
        this(CommandRunner.direct());
    }

    public VipAgent(CommandRunner runner) {
        this.runner = runner;
    }

    @Activate
    void activate(Config config) {
        runner = CommandRunner.withPrefix(config.command_prefix());
    }

    @Override
    public String type() {
        return TYPE;
    }

    private record Vip(InetAddress address, String text, int cidr, String dev, int arpCount, boolean checkDuplicate) {
        boolean v6() {
            return address instanceof Inet6Address;
        }

        String withPrefix() {
            return text + "/" + cidr;
        }
    }

    private static Vip parse(Resource r, List<String> problems) {
        Params p = new Params(r);
        String ip = p.required("ip");
        String dev = p.required("interface");
        InetAddress addr = null;
        if (!ip.isEmpty()) {
            // only literals: getByName does no DNS lookup for them
            if (IPV4.matcher(ip).matches() || ip.contains(":")) {
                try {
                    addr = InetAddress.getByName(ip);
                } catch (UnknownHostException e) {
                    p.check(false, "ip '" + ip + "' is not an IPv4 or IPv6 address");
                }
            } else {
                p.check(false, "ip '" + ip + "' is not an IPv4 or IPv6 address literal");
            }
        }
        boolean v6 = addr instanceof Inet6Address;
        int cidr = p.integer("cidr", v6 ? 64 : 24, 1, v6 ? 128 : 32);
        p.check(dev.isEmpty() || IFACE.matcher(dev).matches(), "interface '" + dev + "' is not an interface name");
        int arps = p.integer("arp-count", 3, 1, 20);
        boolean dup = p.bool("check-duplicate", false);
        problems.addAll(p.problems());
        return addr == null ? null : new Vip(addr, addr.getHostAddress().replaceAll("%.*$", ""), cidr, dev, arps, dup);
    }

    @Override
    public List<String> validate(Resource resource, Duration timeout) {
        return Configured.problems(resource, VipAgent::parse);
    }

    @Override
    public OperationResult start(Resource resource, Duration timeout) throws InterruptedException {
        return Configured.run(resource, VipAgent::parse, (vip, t0) -> start(vip, resource, timeout, t0));
    }

    private OperationResult start(Vip vip, Resource resource, Duration timeout, long t0) throws InterruptedException {
        if (vip.v6()) {
            return startV6(vip, timeout, t0);
        }
        if (vip.checkDuplicate && !monitor(resource, timeout).isSuccess()) {
            CommandRunner.Result dad = runner.run(List.of("arping", "-D", "-c", "2", "-w", "2", "-I", vip.dev,
                    vip.text), timeout);
            if (dad.exit() == 1) {
                return OperationResult.of(OcfStatus.ERR_GENERIC, "another host already answers for " + vip.text
                        + " on " + vip.dev + " (arping -D: " + dad.output() + "); not taking it", since(t0));
            }
        }
        // one command on the failover path: "File exists" means it is already there (start is idempotent)
        CommandRunner.Result add = runner.run(List.of("ip", "addr", "add", vip.withPrefix(), "dev", vip.dev), timeout);
        boolean existed = add.output().contains("File exists") || add.output().contains("already assigned");
        if (!add.ok() && !existed) {
            OcfStatus st = add.output().contains("Cannot find device") ? OcfStatus.ERR_CONFIGURED : OcfStatus.ERR_GENERIC;
            return OperationResult.of(st, "ip addr add " + vip.withPrefix() + " dev " + vip.dev
                    + " failed: " + add.describe(), since(t0));
        }
        announce(vip);
        return OperationResult.success(vip.withPrefix() + (existed ? " already on " : " added on ") + vip.dev
                + ", gratuitous ARP sent", since(t0));
    }

    private OperationResult startV6(Vip vip, Duration timeout, long t0) throws InterruptedException {
        // the kernel sends the unsolicited neighbour advertisement itself once DAD has succeeded
        runner.run(List.of("sysctl", "-qw", "net/ipv6/conf/" + vip.dev + "/ndisc_notify=1"), timeout);
        CommandRunner.Result add = runner.run(List.of("ip", "-6", "addr", "add", vip.withPrefix(), "dev", vip.dev),
                timeout);
        if (!add.ok() && !add.output().contains("File exists") && !add.output().contains("already assigned")) {
            return OperationResult.of(OcfStatus.ERR_GENERIC, "ip -6 addr add " + vip.withPrefix() + " failed: "
                    + add.describe(), since(t0));
        }
        long deadline = t0 + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String line = addressLine(vip, timeout);
            if (line.contains("dadfailed")) {
                runner.run(List.of("ip", "-6", "addr", "del", vip.withPrefix(), "dev", vip.dev), timeout);
                return OperationResult.of(OcfStatus.ERR_GENERIC, "duplicate address detection failed for "
                        + vip.text + " on " + vip.dev + ": another host uses it; removed again", since(t0));
            }
            if (!line.isEmpty() && !line.contains("tentative")) {
                return OperationResult.success(vip.withPrefix() + " added on " + vip.dev
                        + ", DAD passed, unsolicited neighbour advertisement sent", since(t0));
            }
            Thread.sleep(50);
        }
        return OperationResult.of(OcfStatus.TIMEOUT, vip.text + " still tentative (DAD) after " + timeout.toMillis()
                + " ms", since(t0));
    }

    private void announce(Vip vip) {
        if (!vip.v6()) {
            silence(vip);
            runner.launch(List.of("arping", "-U", "-c", Integer.toString(vip.arpCount), "-I", vip.dev, vip.text),
                    Duration.ofSeconds(vip.arpCount + 2L)).ifPresent(p -> announcers.put(vip.text, p));
        }
    }

    private void silence(Vip vip) {
        Process old = announcers.remove(vip.text);
        if (old != null && old.isAlive()) {
            CommandRunner.kill(old);
        }
    }

    @Override
    public OperationResult stop(Resource resource, Duration timeout) throws InterruptedException {
        return Configured.run(resource, VipAgent::parse, (vip, t0) -> stop(vip, resource, timeout, t0));
    }

    private OperationResult stop(Vip vip, Resource resource, Duration timeout, long t0) throws InterruptedException {
        silence(vip);
        CommandRunner.Result del = runner.run(List.of("ip", vip.v6() ? "-6" : "-4", "addr", "del", vip.withPrefix(),
                "dev", vip.dev), timeout);
        if (del.ok()) {
            return OperationResult.success(vip.withPrefix() + " removed from " + vip.dev, since(t0));
        }
        // not there (EADDRNOTAVAIL), or no such interface: confirm with a look rather than trust the message
        OperationResult after = monitor(resource, timeout);
        if (after.status() == OcfStatus.NOT_RUNNING || after.status() == OcfStatus.ERR_CONFIGURED) {
            return OperationResult.success(vip.text + " not on " + vip.dev + " (" + after.reason() + ")", since(t0));
        }
        return OperationResult.of(OcfStatus.ERR_GENERIC, "could not remove " + vip.withPrefix() + " from " + vip.dev
                + ": " + del.describe(), since(t0));
    }

    @Override
    public OperationResult monitor(Resource resource, Duration timeout) throws InterruptedException {
        return Configured.run(resource, VipAgent::parse, (vip, t0) -> monitor(vip, resource, timeout, t0));
    }

    private OperationResult monitor(Vip vip, Resource resource, Duration timeout, long t0) throws InterruptedException {
        CommandRunner r = runner;
        if (!vip.v6() && r.prefix().isEmpty()) {
            return monitorInProcess(vip, t0);
        }
        CommandRunner.Result show = r.run(List.of("ip", "-o", vip.v6() ? "-6" : "-4", "addr", "show", "dev",
                vip.dev), timeout);
        if (!show.ok()) {
            OcfStatus st = show.output().contains("does not exist") ? OcfStatus.ERR_CONFIGURED : OcfStatus.ERR_GENERIC;
            return OperationResult.of(st, "cannot list addresses of " + vip.dev + ": " + show.describe(), since(t0));
        }
        String line = find(vip, show.output());
        if (line.isEmpty()) {
            return OperationResult.of(OcfStatus.NOT_RUNNING, vip.text + " is not on " + vip.dev, since(t0));
        }
        if (line.contains("dadfailed")) {
            return OperationResult.of(OcfStatus.ERR_GENERIC, vip.text + " on " + vip.dev
                    + " failed duplicate address detection", since(t0));
        }
        return OperationResult.success(vip.text + " is on " + vip.dev, since(t0));
    }

    /**
     * IPv4 with commands run as this process (no prefix: same user, same network namespace): the interface's
     * addresses straight from the kernel. The monitor runs every second per VIP, and spawning {@code ip} for it
     * was one of the largest costs of an idle active node. IPv6 keeps {@code ip}: it shows the DAD flags.
     */
    private static OperationResult monitorInProcess(Vip vip, long t0) {
        try {
            java.net.NetworkInterface nic = java.net.NetworkInterface.getByName(vip.dev);
            if (nic == null) {
                return OperationResult.of(OcfStatus.ERR_CONFIGURED, "cannot list addresses of " + vip.dev
                        + ": no such interface", since(t0));
            }
            boolean present = nic.inetAddresses().anyMatch(vip.address::equals);
            return present ? OperationResult.success(vip.text + " is on " + vip.dev, since(t0))
                    : OperationResult.of(OcfStatus.NOT_RUNNING, vip.text + " is not on " + vip.dev, since(t0));
        } catch (java.net.SocketException e) {
            return OperationResult.of(OcfStatus.ERR_GENERIC, "cannot list addresses of " + vip.dev + ": " + e,
                    since(t0));
        }
    }

    private String addressLine(Vip vip, Duration timeout) throws InterruptedException {
        CommandRunner.Result show = runner.run(List.of("ip", "-o", "-6", "addr", "show", "dev", vip.dev), timeout);
        return find(vip, show.output());
    }

    /** The part of {@code ip -o addr} output about our address, empty when absent. */
    private static String find(Vip vip, String output) {
        // ip -o prints one address per line, but CommandRunner joins lines: split on the family keyword
        for (String part : output.split("(?= inet6? )")) {
            String[] w = part.trim().split("\\s+");
            for (int i = 0; i + 1 < w.length; i++) {
                if ((w[i].equals("inet") || w[i].equals("inet6")) && sameAddress(w[i + 1], vip)) {
                    return part;
                }
            }
        }
        return "";
    }

    private static boolean sameAddress(String withPrefix, Vip vip) {
        String a = withPrefix.contains("/") ? withPrefix.substring(0, withPrefix.indexOf('/')) : withPrefix;
        try {
            return (IPV4.matcher(a).matches() || a.contains(":")) && InetAddress.getByName(a).equals(vip.address);
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
