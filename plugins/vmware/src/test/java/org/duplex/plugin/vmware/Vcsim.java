package org.duplex.plugin.vmware;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real vcsim (VMware's vSphere simulator, govmomi 0.24 from Debian, built from src/test/vcsim/main.go by
 * build.sh) on a free port of 127.0.0.1 over TLS, with one user. Built once per build (about 20-40 s the first
 * time, then reused from target/vcsim); skips loudly when Go or the govmomi source is not installed.
 * The VPX model: datacenter DC0, cluster DC0_C0 with hosts DC0_C0_H0..2 and VMs DC0_C0_RP0_VM0/1, a standalone
 * host DC0_H0 with VMs DC0_H0_VM0/1, datastore LocalDS_0; every VM powered on at start.
 */
final class Vcsim implements AutoCloseable {

    static final String USER = "duplex";
    static final String PASSWORD = "s3cret-vc";

    private static final Path BUILD = Path.of(System.getProperty("vcsim.build", "src/test/vcsim/build.sh"));
    private static final Path BINARY = Path.of(System.getProperty("vcsim.binary", "target/vcsim/vcsim"));
    private static boolean built;

    private final Process process;
    private final URI url;
    private final Thumbprint thumbprint;
    private final Path dir;

    private Vcsim(Process process, URI url, Thumbprint thumbprint, Path dir) {
        this.process = process;
        this.url = url;
        this.thumbprint = thumbprint;
        this.dir = dir;
    }

    static synchronized void build() throws IOException, InterruptedException {
        if (built) {
            return;
        }
        Files.createDirectories(BINARY.getParent());
        Path log = BINARY.getParent().resolve("build.log");
        Process p = new ProcessBuilder("bash", BUILD.toString(), BINARY.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("building vcsim took over 300 s; see " + log);
        }
        String out = Files.readString(log);
        assumeTrue(p.exitValue() != 3, "SKIPPED LOUDLY: cannot build vcsim: " + out.trim());
        if (p.exitValue() != 0) {
            throw new IllegalStateException("building vcsim failed (exit " + p.exitValue() + "): " + out);
        }
        built = true;
    }

    /** Starts one simulator; extra flags of main.go (-session-idle 1s, -no-tools NAME, -boot 2s ...). */
    static Vcsim start(String... flags) throws IOException, InterruptedException {
        build();
        Path dir = Files.createTempDirectory("vcsim");
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "-listen", "127.0.0.1:0", "-user", USER,
                "-pass", PASSWORD));
        cmd.addAll(List.of(flags));
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("vcsim.log").toFile()).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Map<String, String>> lines = CompletableFuture.supplyAsync(() -> {
            Map<String, String> m = new HashMap<>();
            try {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.equals("READY")) {
                        return m;
                    }
                    int sp = line.indexOf(' ');
                    if (sp > 0) {
                        m.put(line.substring(0, sp), line.substring(sp + 1));
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            throw new IllegalStateException("vcsim exited before READY; see " + dir.resolve("vcsim.log"));
        });
        try {
            Map<String, String> m = lines.get(30, TimeUnit.SECONDS);
            return new Vcsim(p, URI.create(m.get("URL")), Thumbprint.parse(m.get("THUMBPRINT")).orElseThrow(), dir);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IllegalStateException("vcsim did not start: " + e + "; log " + dir.resolve("vcsim.log"), e);
        }
    }

    URI url() {
        return url;
    }

    Thumbprint thumbprint() {
        return thumbprint;
    }

    /** An owner-only password file with {@code password} in a fresh file of this simulator's directory. */
    Path passwordFile(String password) throws IOException {
        Path f = Files.createTempFile(dir, "pw", ".txt", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        Files.writeString(f, password + "\n");
        return f;
    }

    /** Endpoint parameters for this simulator with the right password and the pinned thumbprint. */
    Map<String, String> params() throws IOException {
        Map<String, String> m = new HashMap<>();
        m.put(Endpoint.URL, url.toString());
        m.put(Endpoint.USER, USER);
        m.put(Endpoint.PASSWORD_FILE, passwordFile(PASSWORD).toString());
        m.put(Endpoint.THUMBPRINT, thumbprint.toString());
        return m;
    }

    Endpoint endpoint() throws IOException {
        List<String> problems = new ArrayList<>();
        return Endpoint.parse(params(), problems).orElseThrow(() -> new IllegalStateException(problems.toString()));
    }

    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.getOutputStream().close(); // main.go exits when its stdin closes
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
