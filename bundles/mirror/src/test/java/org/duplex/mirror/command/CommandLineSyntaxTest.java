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

    @Test
    void anOptionAfterTheVolumeIsRefusedByKaraf() {
        assertThatThrownBy(() -> parse(new MirrorPromoteCommand(), "vol0 --force"))
                .hasMessageContaining("Too many arguments");
        assertThatThrownBy(() -> parse(new MirrorCreateCommand(), "vol0 --size 64M --backing /srv/vol0.img"))
                .hasMessageContaining("Too many arguments");
    }
}
