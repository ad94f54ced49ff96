package org.duplex.failover.agent;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces on a private bridge for agent tests: every host gets an interface named eth0 on one
 * bridge (in its own namespace), addresses only inside the namespaces. Always deleted in {@link #close()}.
 */
final class NetnsLab implements AutoCloseable {

    private final String tag = "dxf" + ProcessHandle.current().pid() % 100000;
    private final List<String> namespaces = new ArrayList<>();
    private final String switchNs;

    static void assumeRootWith(String... tools) {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "SKIPPED LOUDLY: network namespace tests need root (run as root, as CI does)");
        for (String t : tools) {
            assumeTrue(onPath(t), "SKIPPED LOUDLY: '" + t + "' is not installed (run scripts/install-deps.sh)");
        }
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (new java.io.File(dir, tool).canExecute()) {
                return true;
            }
        }
        return new java.io.File("/usr/sbin/" + tool).canExecute() || new java.io.File("/sbin/" + tool).canExecute();
    }

    NetnsLab() throws IOException, InterruptedException {
        switchNs = tag + "-sw";
        sh("ip netns add " + switchNs);
        namespaces.add(switchNs);
        sh("ip netns exec " + switchNs + " ip link add br0 type bridge");
        sh("ip netns exec " + switchNs + " ip link set br0 up");
    }

    /** Adds a host namespace with eth0 on the bridge and the given IPv4 address (cidr form); returns its name. */
    String host(String name, String ipv4Cidr, String ipv6Cidr) throws IOException, InterruptedException {
        String ns = tag + "-" + name;
        String hostSide = tag + name + "h";
        String swSide = tag + name + "s";
        sh("ip netns add " + ns);
        namespaces.add(ns);
        sh("ip link add " + hostSide + " type veth peer name " + swSide);
        sh("ip link set " + hostSide + " netns " + ns);
        sh("ip link set " + swSide + " netns " + switchNs);
        sh("ip netns exec " + switchNs + " ip link set " + swSide + " master br0 up");
        sh("ip netns exec " + ns + " ip link set " + hostSide + " name eth0");
        sh("ip netns exec " + ns + " ip link set lo up");
        sh("ip netns exec " + ns + " ip link set eth0 up");
        sh("ip netns exec " + ns + " ip addr add " + ipv4Cidr + " dev eth0");
        if (ipv6Cidr != null) {
            sh("ip netns exec " + ns + " ip -6 addr add " + ipv6Cidr + " dev eth0 nodad");
        }
        return ns;
    }

    static CommandRunner in(String ns) {
        return new CommandRunner(List.of("ip", "netns", "exec", ns));
    }

    String mac(String ns) throws IOException, InterruptedException {
        String out = sh("ip netns exec " + ns + " cat /sys/class/net/eth0/address");
        return out.trim();
    }

    /** The MAC the client's neighbour table holds for {@code ip}, or "" when none. */
    String neighbour(String ns, String ip) throws IOException, InterruptedException {
        String out = sh("ip netns exec " + ns + " ip neigh show " + ip + " dev eth0");
        String[] w = out.trim().split("\\s+");
        for (int i = 0; i + 1 < w.length; i++) {
            if (w[i].equals("lladdr")) {
                return w[i + 1];
            }
        }
        return "";
    }

    boolean ping(String ns, String ip) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "ping", ip.contains(":") ? "-6" : "-4", "-c", "1",
                "-W", "1", ip).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    static String sh(String cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + cmd);
        }
        if (p.exitValue() != 0) {
            throw new IOException(cmd + " -> exit " + p.exitValue() + ": " + new String(out));
        }
        return new String(out);
    }

    @Override
    public void close() {
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            try {
                sh("ip netns del " + namespaces.get(i));
            } catch (IOException | InterruptedException e) {
                System.err.println("netns cleanup failed for " + namespaces.get(i) + ": " + e.getMessage());
            }
        }
    }
}
