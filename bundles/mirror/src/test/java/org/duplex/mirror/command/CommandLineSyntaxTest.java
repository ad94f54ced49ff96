package org.duplex.mirror.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.impl.action.command.DefaultActionPreparator;
import org.junit.jupiter.api.Test;

/**
 * The command lines README and the product's messages tell an operator to type, parsed by Karaf's own parser.
 * Karaf stops reading options at the first argument, so {@code ha:mirror-promote vol0 --force} fails with "too
 * many arguments specified" (it did, printed as the way out of an Outdated leg); options go before the volume.
 */
class CommandLineSyntaxTest {

    private static List<Object> words(String line) {
        return new ArrayList<>(List.of(line.trim().split("\\s+")));
    }

    private static void parse(Action command, String line) throws Exception {
        assertThat(new DefaultActionPreparator().prepare(command, null, words(line))).as(line).isTrue();
    }

    @Test
    void theWaysOutAsPrintedParse() throws Exception {
        MirrorPromoteCommand promote = new MirrorPromoteCommand();
        parse(promote, "--force vol0");
        assertThat(promote.volume).isEqualTo("vol0");
        assertThat(promote.force).isTrue();

        MirrorResumeIoCommand resume = new MirrorResumeIoCommand();
        parse(resume, "--force vol0");
        assertThat(resume.volume).isEqualTo("vol0");

        MirrorResolveSplitBrainCommand resolve = new MirrorResolveSplitBrainCommand();
        parse(resolve, "--discard-local vol0");
        assertThat(resolve.volume).isEqualTo("vol0");

        MirrorCreateCommand create = new MirrorCreateCommand();
        parse(create, "--size 64M --backing /srv/vol0.img --local 10.0.0.1:7789 --peer 10.0.0.2:7789 --nbd-port 10810 "
                + "vol0");
        assertThat(create.volume).isEqualTo("vol0");
        assertThat(create.peer).isEqualTo("10.0.0.2:7789");
        assertThat(create.nbdPort).isEqualTo(10810);
    }

    /** ha:mirror-create can put the fencing path on the cluster interface (issue 13: else resource-and-stonith). */
    @Test
    void mirrorCreateTakesTheFencingPath() throws Exception {
        MirrorCreateCommand create = new MirrorCreateCommand();
        parse(create, "--size 64M --backing /srv/vol0.img --local 10.0.0.1:7789 --peer 10.0.0.2:7789 "
                + "--fence-local 10.0.1.1:7790 --fence-peer 10.0.1.2:7790 vol0");
        java.util.Dictionary<String, Object> d = MirrorCommands.settings(create.volume, create.size, create.backing,
                create.local, create.peer, create.nbdPort, create.policy, create.resyncRate, create.skipInitialSync,
                create.fenceLocal, create.fencePeer);
        java.util.Map<String, Object> m = new java.util.HashMap<>();
        java.util.Collections.list(d.keys()).forEach(k -> m.put(k, d.get(k)));
        assertThat(m).containsEntry("fence.local.address", "10.0.1.1").containsEntry("fence.port", 7790)
                .containsEntry("fence.peer.address", "10.0.1.2").containsEntry("fence.peer.port", 7790);
        java.nio.file.Path tmp = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));
        org.duplex.mirror.component.VolumeSettings s = org.duplex.mirror.component.VolumeSettings.parse(m, tmp, tmp);
        assertThat(s.volume().fencing()).isEqualTo(org.duplex.mirror.leg.Fencing.RESOURCE_ONLY);
        m.remove("fence.peer.address");
        assertThat(org.duplex.mirror.component.VolumeSettings.parse(m, tmp, tmp).volume().fencing())
                .isEqualTo(org.duplex.mirror.leg.Fencing.RESOURCE_AND_STONITH);
    }

    @Test
    void anOptionAfterTheVolumeIsRefusedByKaraf() {
        assertThatThrownBy(() -> parse(new MirrorPromoteCommand(), "vol0 --force"))
                .hasMessageContaining("Too many arguments");
        assertThatThrownBy(() -> parse(new MirrorCreateCommand(), "vol0 --size 64M --backing /srv/vol0.img"))
                .hasMessageContaining("Too many arguments");
    }
}
