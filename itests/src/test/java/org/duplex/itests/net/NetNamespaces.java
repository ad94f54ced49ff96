package org.duplex.itests.net;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces as separate test hosts on this machine (root only). Every namespace and link this creates
 * is removed by {@link #close()}, also after a failure; names carry a prefix so a crashed run's leftovers are
 * cleaned up by the next one.
 */
public final class NetNamespaces implements AutoCloseable {

    private final String prefix;
    private final List<String> namespaces = new ArrayList<>();
    private final java.util.Set<String> bridges = new java.util.HashSet<>();

    public NetNamespaces(String prefix) throws Exception {
        this.prefix = prefix;
        for (String line : sh("ip netns list").split("\n")) {
            String name = line.split(" ")[0].trim();
            if (name.startsWith(prefix)) {
                sh("ip netns delete " + name);
            }
        }
    }

    /** True when this JVM runs as root and the ip tool exists: namespaces can be made. */
    public static boolean available() {
        try {
            boolean ip = new File("/usr/sbin/ip").canExecute() || new File("/sbin/ip").canExecute()
                    || new File("/bin/ip").canExecute();
            return ip && "0".equals(run("id -u").trim());
        } catch (Exception e) {
            return false;
        }
    }

    /** Creates namespace {@code prefix + name} with its loopback up; returns its full name. */
    public String add(String name) throws Exception {
        String ns = prefix + name;
        sh("ip netns add " + ns);
        namespaces.add(ns);
        exec(ns, "ip link set lo up");
        return ns;
    }

    /** A veth cable between two namespaces, each end named {@code ifname} inside, with an address on each. */
    public void link(String nsA, String addrA, String nsB, String addrB, String ifname) throws Exception {
        String a = prefix + "a" + namespaces.indexOf(nsA) + namespaces.indexOf(nsB);
        String b = prefix + "b" + namespaces.indexOf(nsA) + namespaces.indexOf(nsB);
        sh("ip link add " + a + " type veth peer name " + b);
        sh("ip link set " + a + " netns " + nsA);
        sh("ip link set " + b + " netns " + nsB);
        exec(nsA, "ip link set " + a + " name " + ifname);
        exec(nsB, "ip link set " + b + " name " + ifname);
        exec(nsA, "ip addr add " + addrA + " dev " + ifname);
        exec(nsB, "ip addr add " + addrB + " dev " + ifname);
        exec(nsA, "ip link set " + ifname + " up");
        exec(nsB, "ip link set " + ifname + " up");
    }

    /**
     * Plugs namespace {@code ns} into a bridge living in namespace {@code switchNs} (created on first use) with a
     * veth cable named {@code ifname} inside {@code ns}, carrying {@code addr}.
     */
    public void plug(String switchNs, String ns, String addr, String ifname) throws Exception {
        if (bridges.add(switchNs)) {
            exec(switchNs, "ip link add br0 type bridge && ip link set br0 up");
        }
        int i = namespaces.indexOf(ns);
        String hostSide = prefix + "p" + i;
        String nsSide = prefix + "q" + i;
        sh("ip link add " + hostSide + " type veth peer name " + nsSide);
        sh("ip link set " + hostSide + " netns " + switchNs);
        sh("ip link set " + nsSide + " netns " + ns);
        exec(switchNs, "ip link set " + hostSide + " master br0 && ip link set " + hostSide + " up");
        exec(ns, "ip link set " + nsSide + " name " + ifname + " && ip addr add " + addr + " dev " + ifname
                + " && ip link set " + ifname + " up");
    }

    /** Runs a shell command inside a namespace; fails with the command's output when it exits non-zero. */
    public static String exec(String ns, String command) throws Exception {
        return sh("ip netns exec " + ns + " sh -c '" + command.replace("'", "'\\''") + "'");
    }

    /** Runs a shell command inside a namespace and returns its output whatever its exit code. */
    public static String tryExec(String ns, String command) throws Exception {
        return run("ip netns exec " + ns + " sh -c '" + command.replace("'", "'\\''") + "'");
    }

    @Override
    public void close() throws Exception {
        for (String ns : namespaces) {
            run("ip netns pids " + ns + " | xargs -r kill -9");
            run("ip netns delete " + ns);
        }
        namespaces.clear();
    }

    private static String sh(String command) throws Exception {
        Path out = Files.createTempFile("duplex-netns", ".out");
        try {
            Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("'" + command + "' exited " + p.exitValue() + ": " + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static String run(String command) throws Exception {
        try {
            return sh(command);
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }
}
