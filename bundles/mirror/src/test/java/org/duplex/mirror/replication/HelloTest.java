package org.duplex.mirror.replication;

import static org.assertj.core.api.Assertions.assertThat;

import org.duplex.mirror.gi.DiskState;
import org.duplex.mirror.gi.GenerationIds;
import org.duplex.mirror.gi.LegInfo;
import org.duplex.mirror.gi.SplitBrainPolicy;
import org.junit.jupiter.api.Test;

/** The leg's disk state on the wire, HELLOs of versions that did not send it, and protocol levels. */
class HelloTest {
    static LegInfo leg(DiskState d) {
        return new LegInfo(new GenerationIds(0x1000, 0, 0, 0), d, false, false, 3, 4, 5, 6, false,
                SplitBrainPolicy.DISCARD_LEAST_CHANGES);
    }

    @Test
    void everyDiskStateSurvivesTheRoundTrip() {
        for (DiskState d : DiskState.values()) {
            Hello h = Hello.decode(new Hello("vol", 1 << 20, 65536, leg(d), new byte[Hello.NONCE_BYTES]).encode())
                    .orElseThrow();
            assertThat(h.leg()).isEqualTo(leg(d));
        }
    }

    @Test
    void aHelloWithoutTheDiskStateTakesItFromTheUpToDateFlag() {
        byte[] outdated = new Hello("vol", 1 << 20, 65536, leg(DiskState.OUTDATED), new byte[Hello.NONCE_BYTES])
                .encode();
        int code = outdated.length - Hello.NONCE_BYTES - 2; // the byte older versions send as 0 (before nonce, level)
        assertThat(outdated[code]).isNotZero();
        outdated[code] = 0;
        // an older peer could only say "not up to date": the safe reading is Inconsistent, never UpToDate
        assertThat(Hello.decode(outdated).orElseThrow().leg().disk()).isEqualTo(DiskState.INCONSISTENT);
        byte[] upToDate = new Hello("vol", 1 << 20, 65536, leg(DiskState.UP_TO_DATE), new byte[Hello.NONCE_BYTES])
                .encode();
        upToDate[code] = 0;
        assertThat(Hello.decode(upToDate).orElseThrow().leg().disk()).isEqualTo(DiskState.UP_TO_DATE);
    }

    @Test
    void aNewerPeersAdditionsAreReadPastAndItsLevelKept() {
        Hello mine = new Hello("vol", 1 << 20, 65536, leg(DiskState.UP_TO_DATE), new byte[Hello.NONCE_BYTES]);
        assertThat(Hello.decode(mine.encode()).orElseThrow().level()).isEqualTo(Hello.LEVEL);
        byte[] plain = new Hello("vol", 1 << 20, 65536, leg(DiskState.UP_TO_DATE), new byte[Hello.NONCE_BYTES],
                Hello.LEVEL + 1).encode();
        byte[] newer = java.util.Arrays.copyOf(plain, plain.length + 5); // fields this build does not know
        newer[plain.length] = 7;
        Hello h = Hello.decode(newer).orElseThrow();
        assertThat(h.level()).isEqualTo(Hello.LEVEL + 1);
        assertThat(h.leg()).isEqualTo(leg(DiskState.UP_TO_DATE));
        assertThat(h.volume()).isEqualTo("vol");
    }

    @Test
    void aHelloEndingAtTheNonceIsLevelZeroAndExtraBytesAtThisLevelAreMalformed() {
        byte[] b = new Hello("vol", 1 << 20, 65536, leg(DiskState.OUTDATED), new byte[Hello.NONCE_BYTES]).encode();
        byte[] before = java.util.Arrays.copyOf(b, b.length - 1);
        assertThat(Hello.decode(before).orElseThrow().level()).isZero();
        assertThat(Hello.decode(java.util.Arrays.copyOf(b, b.length + 1)))
                .as("a peer of this very level has nothing more to say").isEmpty();
    }

    @Test
    void aDiskStateContradictingTheFlagIsMalformed() {
        byte[] b = new Hello("vol", 1 << 20, 65536, leg(DiskState.OUTDATED), new byte[Hello.NONCE_BYTES]).encode();
        b[b.length - Hello.NONCE_BYTES - 2] = 1; // "UpToDate" with the flag saying not up to date
        assertThat(Hello.decode(b)).isEmpty();
        b[b.length - Hello.NONCE_BYTES - 2] = 99;
        assertThat(Hello.decode(b)).isEmpty();
    }
}
