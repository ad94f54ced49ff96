package org.duplex.mirror.tool;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import org.duplex.mirror.block.FileBlockDevice;
import org.duplex.mirror.component.SizeParser;
import org.duplex.mirror.iscsi.IscsiServer;
import org.duplex.mirror.iscsi.IscsiServerConfig;
import org.duplex.mirror.iscsi.IscsiTarget;
import org.duplex.mirror.iscsi.login.ChapSecrets;

/**
 * Serves a plain file over iSCSI with Duplex's target, outside Karaf: for the conformance script (the same backing
 * file as {@code tgtd}) and for trying initiators by hand. No replication.
 *
 * <pre>
 * java -cp ... org.duplex.mirror.tool.IscsiFileTarget --file /tmp/disk.img --size 1G \
 *     --listen 127.0.0.1:3260 --iqn iqn.2026-12.org.duplex:disk [--chap-secret-file F]
 * </pre>
 * Prints {@code READY iscsi=PORT} once serving; runs until killed.
 */
public final class IscsiFileTarget {
    private IscsiFileTarget() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        String[] hp = o.getOrDefault("listen", "127.0.0.1:3260").split(":");
        long size = SizeParser.parse(o.getOrDefault("size", "1G"));
        FileBlockDevice dev = new FileBlockDevice(Path.of(required(o, "file")), size, false);
        Optional<ChapSecrets> chap = o.containsKey("chap-secret-file")
                ? Optional.of(ChapSecrets.load(Path.of(o.get("chap-secret-file")), "--chap-secret-file"))
                : Optional.empty();
        IscsiServer server = new IscsiServer(IscsiServerConfig.of(hp[0], Integer.parseInt(hp[1])));
        server.addTarget(new IscsiTarget(required(o, "iqn"), "duplex file target", dev, chap));
        System.out.println("READY iscsi=" + server.port());
        System.out.flush();
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            try {
                dev.close();
            } catch (java.io.IOException ignored) {
                // exiting
            }
        }));
        forever.await();
    }

    private static String required(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return v;
    }
}
