package org.duplex.mirror.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.duplex.api.cluster.ClusterService;
import org.duplex.api.cluster.FencingEpoch;
import org.duplex.api.cluster.QuorumListener;
import org.duplex.api.cluster.QuorumState;
import org.duplex.api.model.NodeId;
import org.duplex.mirror.admin.MirrorOperations;
import org.duplex.mirror.command.MirrorCommandsAccess;
import org.duplex.mirror.iscsi.pdu.Pdu;
import org.duplex.mirror.testutil.MiniIscsiInitiator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-volume iSCSI keys: validation with errors naming volume and key, and a target served by the primary only. */
class IscsiSettingsTest {
    @TempDir
    Path dir;

    private Map<String, Object> config(String name) {
        Map<String, Object> p = new HashMap<>();
        p.put("name", name);
        p.put("size", "4M");
        p.put("backing.path", dir.resolve(name + ".img").toString());
        p.put("nbd.address", "");
        return p;
    }

    private Path secrets(String content, String mode) throws Exception {
        Path f = dir.resolve("chap-" + mode + ".properties");
        Files.writeString(f, content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    @Test
    void absentOrZeroPortMeansNoTarget() {
        assertThat(VolumeSettings.parse(config("v1"), dir, dir).iscsi()).isNull();
        Map<String, Object> p = config("v1");
        p.put("iscsi.port", "0");
        assertThat(VolumeSettings.parse(p, dir, dir).iscsi()).isNull();
    }

    @Test
    void defaultsAndExplicitValues() throws Exception {
        Map<String, Object> p = config("Data_1");
        p.put("iscsi.port", "3260");
        VolumeSettings.Iscsi i = VolumeSettings.parse(p, dir, dir).iscsi();
        assertThat(i.iqn()).isEqualTo("iqn.2026-12.org.duplex:data-1");
        assertThat(i.address()).isEqualTo("127.0.0.1");
        assertThat(i.chap()).isEmpty();
        p.put("iscsi.iqn", "iqn.2001-04.com.example:storage.disk2");
        p.put("iscsi.address", "0.0.0.0");
        p.put("iscsi.chap.secret.file", secrets("user = alice\nsecret = alice-secret-1\n"
                + "target.user = duplex\ntarget.secret = target-secret-2\n", "rw-------").toString());
        i = VolumeSettings.parse(p, dir, dir).iscsi();
        assertThat(i.iqn()).isEqualTo("iqn.2001-04.com.example:storage.disk2");
        assertThat(i.chap()).hasValueSatisfying(c -> {
            assertThat(c.user()).isEqualTo("alice");
            assertThat(c.mutual()).isTrue();
            assertThat(c.toString()).doesNotContain("secret-1", "secret-2");
        });
    }

    @Test
    void badValuesNameTheVolumeAndTheKey() throws Exception {
        Map<String, Object> p = config("vol1");
        p.put("iscsi.port", "abc");
        assertThatThrownBy(() -> VolumeSettings.parse(p, dir, dir)).hasMessageContaining("mirror volume vol1")
                .hasMessageContaining("'iscsi.port'");
        p.put("iscsi.port", "70000");
        assertThatThrownBy(() -> VolumeSettings.parse(p, dir, dir)).hasMessageContaining("'iscsi.port'");
        p.put("iscsi.port", "3260");
        p.put("iscsi.iqn", "IQN.Bad Name");
        assertThatThrownBy(() -> VolumeSettings.parse(p, dir, dir)).hasMessageContaining("mirror volume vol1")
                .hasMessageContaining("'iscsi.iqn'");
        p.remove("iscsi.iqn");
        Path open = secrets("user = alice\nsecret = alice-secret-1\n", "rw-r--r--");
        p.put("iscsi.chap.secret.file", open.toString());
        assertThatThrownBy(() -> VolumeSettings.parse(p, dir, dir))
                .hasMessageContaining("mirror volume vol1: 'iscsi.chap.secret.file'")
                .hasMessageContaining("rw-r--r--").hasMessageContaining("chmod 600 " + open);
        p.put("iscsi.chap.secret.file", dir.resolve("missing").toString());
        assertThatThrownBy(() -> VolumeSettings.parse(p, dir, dir)).hasMessageContaining("'iscsi.chap.secret.file'")
                .hasMessageContaining("does not exist");
        p.put("iscsi.chap.secret.file", secrets("user = alice\nsecret = short\n", "r--------").toString());
        assertThatThrownBy(() -> VolumeSettings.parse(p, dir, dir)).hasMessageContaining("'iscsi.chap.secret.file'")
                .hasMessageContaining("12-255 characters");
    }

    private volatile QuorumState state = new QuorumState(NodeId.of("n1"), true, Optional.of(NodeId.of("n1")),
            new FencingEpoch(3), Set.of(NodeId.of("n1")), 2, 2, "test");

    private final ClusterService cluster = new ClusterService() {
        @Override
        public QuorumState state() {
            return state;
        }

        @Override
        public AutoCloseable addListener(QuorumListener listener) {
            return () -> { };
        }
    };

    @Test
    void theRegistryServesTheTargetOnThePrimaryOnly() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, Object> p = config("solo");
        p.put("iscsi.port", Integer.toString(port));
        MirrorRegistry registry = new MirrorRegistry();
        RegistryAccess.bindCluster(registry, cluster);
        try {
            registry.open(VolumeSettings.parse(p, dir, dir));
            String iqn = "iqn.2026-12.org.duplex:solo";
            try (MiniIscsiInitiator c = new MiniIscsiInitiator(port)) {
                assertThat(c.login(iqn, Map.of()).u16(36)).as("a secondary refuses").isEqualTo(0x0301);
            }
            assertThat(MirrorCommandsAccess.status(registry, "solo"))
                    .contains("iscsi: " + iqn + " on 127.0.0.1:" + port + ", no authentication")
                    .contains("logins refused here (not primary)");
            new MirrorOperations(registry).promote("solo", null, false);
            try (MiniIscsiInitiator c = new MiniIscsiInitiator(port)) {
                assertThat(c.login(iqn, Map.of()).u16(36)).isZero();
                byte[] block = new byte[512];
                java.util.Arrays.fill(block, (byte) 0x33);
                c.send(c.scsiCommand(0xa0, 0, 512, new byte[] {0x2a, 0, 0, 0, 0, 9, 0, 0, 1, 0}, block));
                assertThat(c.read().u8(3)).isZero();
                c.send(c.scsiCommand(0xc0, 0, 512, new byte[] {0x28, 0, 0, 0, 0, 9, 0, 0, 1, 0}, new byte[0]));
                ByteArrayOutputStream in = new ByteArrayOutputStream();
                Pdu last = c.readUntilStatus(in);
                assertThat(last.u8(3)).isZero();
                assertThat(in.toByteArray()).isEqualTo(block);
                assertThat(MirrorCommandsAccess.status(registry, "solo")).contains("1 connection(s)")
                        .doesNotContain("logins refused");
                // demoted under the initiator: NOT READY, target port in standby
                new MirrorOperations(registry).demote("solo");
                c.send(c.scsiCommand(0x80, 0, 0, new byte[6], new byte[0]));
                Pdu r = c.read();
                assertThat(r.u8(3)).isEqualTo(2);
                assertThat(r.data()[2 + 2]).isEqualTo((byte) 2);
                assertThat(r.data()[2 + 13]).isEqualTo((byte) 0x0b);
            }
        } finally {
            RegistryAccess.deactivate(registry);
        }
    }
}
