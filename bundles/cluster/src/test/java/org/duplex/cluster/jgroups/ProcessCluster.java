package org.duplex.cluster.jgroups;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Forks NodeMain JVMs on loopback ports and follows their STATE lines. */
public final class ProcessCluster implements AutoCloseable {

    /** A node's last reported state, parsed. */
    public record State(String node, long t, boolean quorate, String coordinator, long epoch, String members,
                        String line) {
        static State parse(String line) {
            Map<String, String> kv = new LinkedHashMap<>();
            for (String part : line.substring("STATE ".length()).split(" ")) {
                int eq = part.indexOf('=');
                if (eq > 0 && !kv.containsKey("reason")) {
                    kv.put(part.substring(0, eq), part.substring(eq + 1));
                }
            }
            return new State(kv.get("node"), Long.parseLong(kv.get("t")), Boolean.parseBoolean(kv.get("quorate")),
                    kv.get("coordinator"), Long.parseLong(kv.get("epoch")), kv.get("members"), line);
        }
    }

    public final Path dir;
    private final int basePort;
    private final Map<String, Process> procs = new ConcurrentHashMap<>();
    private final Map<String, Writer> stdin = new ConcurrentHashMap<>();
    public final Map<String, State> latest = new ConcurrentHashMap<>();
    public final List<State> history = new CopyOnWriteArrayList<>();
    public final List<String> output = new CopyOnWriteArrayList<>();

    public ProcessCluster(Path dir) throws IOException {
        this.dir = dir;
        this.basePort = freeBase();
        Files.write(dir.resolve("cluster.key"), "a-test-cluster-key-of-32-bytes!!".getBytes(StandardCharsets.US_ASCII));
        Files.write(dir.resolve("wrong.key"), "some-other-key-nobody-shares-0000".getBytes(StandardCharsets.US_ASCII));
    }

    private static int freeBase() throws IOException {
        Random r = new Random();
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 20000 + r.nextInt(20000);
            if (free(base, 8) && free(base + 100, 8)) {
                return base;
            }
        }
        throw new IOException("no free loopback port range found");
    }

    private static boolean free(int port, int n) {
        for (int p = port; p < port + n; p++) {
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    public int port(int index) {
        return basePort + index;
    }

    public String members(int count, String witnessLast) {
        List<String> m = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            boolean witness = witnessLast != null && i == count - 1;
            m.add((witness ? witnessLast : "n" + (i + 1)) + "@127.0.0.1:" + port(i) + (witness ? "/witness" : ""));
        }
        return String.join(",", m);
    }

    public void start(String nodeId, int index, String members, String... extra) throws IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=" + System.getProperty("node.log", "warn"),
                "-cp", cp, NodeMain.class.getName(),
                "node.id=" + nodeId, "bind.port=" + port(index), "members=" + members,
                "state.dir=" + dir.resolve(nodeId), "cluster.key.file=" + dir.resolve("cluster.key")));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Process p = pb.start();
        procs.put(nodeId, p);
        stdin.put(nodeId, new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8));
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.add(nodeId + ": " + line);
                    if (line.startsWith("STATE ")) {
                        State s = State.parse(line);
                        latest.put(nodeId, s);
                        history.add(s);
                    }
                }
            } catch (IOException e) {
                // process gone
            }
        }, "reader-" + nodeId);
        reader.setDaemon(true);
        reader.start();
    }

    public void command(String nodeId, String cmd) throws IOException {
        Writer w = stdin.get(nodeId);
        w.write(cmd + "\n");
        w.flush();
    }

    public void kill(String nodeId) throws InterruptedException {
        Process p = procs.remove(nodeId);
        if (p != null) {
            p.destroyForcibly();
            p.waitFor();
        }
        latest.remove(nodeId);
    }

    public boolean alive(String nodeId) {
        Process p = procs.get(nodeId);
        return p != null && p.isAlive();
    }

    /** Waits (bounded) until the node's latest state matches; returns it or throws with the recent output. */
    public State await(String nodeId, Predicate<State> condition, long timeoutMs, String what)
            throws InterruptedException {
        long end = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < end) {
            State s = latest.get(nodeId);
            if (s != null && condition.test(s)) {
                return s;
            }
            Thread.sleep(10);
        }
        throw new AssertionError(nodeId + " did not reach: " + what + " within " + timeoutMs + " ms; latest: "
                + latest.get(nodeId) + "\nrecent output:\n" + String.join("\n",
                output.subList(Math.max(0, output.size() - 30), output.size())));
    }

    @Override
    public void close() {
        for (String n : new ArrayList<>(procs.keySet())) {
            try {
                kill(n);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
