package org.duplex.mirror.iscsi;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.duplex.mirror.iscsi.login.Chap;
import org.duplex.mirror.iscsi.login.ChapSecrets;
import org.duplex.mirror.iscsi.login.LoginNegotiator;
import org.duplex.mirror.iscsi.login.SessionParams;
import org.duplex.mirror.iscsi.login.TextParameters;
import org.duplex.mirror.iscsi.pdu.Opcode;
import org.duplex.mirror.iscsi.pdu.Pdu;
import org.duplex.mirror.testutil.MemoryBlockDevice;
import org.junit.jupiter.api.Test;

/** Login: CHAP (one-way and mutual), operational negotiation by RFC 7143's rules, and every refusal's status. */
class LoginNegotiatorTest {
    static final String IQN = "iqn.2026-12.org.duplex:vol1";
    static final ChapSecrets ONE_WAY = new ChapSecrets("alice", "alice-secret-1", Optional.empty(), Optional.empty());
    static final ChapSecrets MUTUAL = new ChapSecrets("alice", "alice-secret-1", Optional.of("duplex"),
            Optional.of("target-secret-2"));

    final MemoryBlockDevice dev = new MemoryBlockDevice(1 << 20);

    LoginNegotiator negotiator(Optional<ChapSecrets> chap) {
        IscsiTarget t = new IscsiTarget(IQN, "vol1", dev, chap);
        return new LoginNegotiator(n -> n.equals(IQN) ? Optional.of(t) : Optional.empty(),
                IscsiServerConfig.of("127.0.0.1", 0), new SecureRandom(), 0x42);
    }

    static Pdu request(int csg, int nsg, boolean transit, Map<String, String> keys) {
        Pdu p = Pdu.of(Opcode.LOGIN_REQUEST, TextParameters.encode(keys));
        p.u8(0, 0x43);
        p.u8(1, (transit ? 0x80 : 0) | (csg << 2) | (transit ? nsg : 0));
        p.u8(8, 0x80);
        p.u32(16, 1);
        p.u32(24, 5);
        return p;
    }

    static Map<String, String> keys(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static Map<String, String> answer(LoginNegotiator.Step s) {
        return TextParameters.parse(s.response().data());
    }

    static int status(LoginNegotiator.Step s) {
        return s.response().u16(36);
    }

    static Map<String, String> first(String... extra) {
        Map<String, String> k = keys("InitiatorName", "iqn.2026-12.org.example:host", "SessionType", "Normal",
                "TargetName", IQN);
        k.putAll(keys(extra));
        return k;
    }

    @Test
    void noAuthenticationStraightToFullFeature() {
        LoginNegotiator n = negotiator(Optional.empty());
        LoginNegotiator.Step s = n.step(request(0, 3, true, first("AuthMethod", "None")));
        assertThat(s.outcome()).isEqualTo(LoginNegotiator.Outcome.FULL_FEATURE);
        assertThat(status(s)).isZero();
        assertThat(s.response().flags()).isEqualTo(0x80 | 0x03); // T, CSG 0, NSG 3
        assertThat(s.response().u16(14)).as("TSIH").isEqualTo(0x42);
        assertThat(s.response().u32(28)).as("ExpCmdSN").isEqualTo(5);
        assertThat(answer(s)).containsEntry("AuthMethod", "None").containsEntry("TargetPortalGroupTag", "1")
                .containsKey("MaxRecvDataSegmentLength");
    }

    @Test
    void operationalKeysFollowTheRfcRules() {
        LoginNegotiator n = negotiator(Optional.empty());
        assertThat(n.step(request(0, 1, true, first("AuthMethod", "None"))).outcome())
                .isEqualTo(LoginNegotiator.Outcome.CONTINUE);
        LoginNegotiator.Step s = n.step(request(1, 3, true, keys("HeaderDigest", "CRC32C,None", "DataDigest",
                "None,CRC32C", "MaxRecvDataSegmentLength", "65536", "MaxBurstLength", "16776192", "FirstBurstLength",
                "262144", "InitialR2T", "No", "ImmediateData", "Yes", "MaxOutstandingR2T", "8", "DataPDUInOrder",
                "No", "DataSequenceInOrder", "Yes", "ErrorRecoveryLevel", "2", "DefaultTime2Wait", "0",
                "DefaultTime2Retain", "20", "MaxConnections", "4", "X-com.example.Foo", "1", "IFMarker", "Yes")));
        assertThat(s.outcome()).isEqualTo(LoginNegotiator.Outcome.FULL_FEATURE);
        assertThat(answer(s)).containsEntry("HeaderDigest", "CRC32C").containsEntry("DataDigest", "None")
                .containsEntry("MaxBurstLength", "1048576").containsEntry("FirstBurstLength", "262144")
                .containsEntry("InitialR2T", "No").containsEntry("ImmediateData", "Yes")
                .containsEntry("MaxOutstandingR2T", "1").containsEntry("DataPDUInOrder", "Yes")
                .containsEntry("ErrorRecoveryLevel", "0").containsEntry("DefaultTime2Wait", "2")
                .containsEntry("DefaultTime2Retain", "0").containsEntry("MaxConnections", "1")
                .containsEntry("X-com.example.Foo", "NotUnderstood").containsEntry("IFMarker", "No")
                .containsEntry("MaxRecvDataSegmentLength", "262144");
        SessionParams p = n.params();
        assertThat(p.headerDigest()).isTrue();
        assertThat(p.dataDigest()).isFalse();
        assertThat(p.maxSendDataSegmentLength()).isEqualTo(65536);
        assertThat(p.initialR2T()).isFalse();
        // InitialR2T is an OR: an initiator that wants R2Ts gets them
        LoginNegotiator m = negotiator(Optional.empty());
        LoginNegotiator.Step s2 = m.step(request(0, 3, true, first("AuthMethod", "None", "InitialR2T", "Yes",
                "ImmediateData", "No", "MaxBurstLength", "1000000000")));
        assertThat(answer(s2)).containsEntry("InitialR2T", "Yes").containsEntry("ImmediateData", "No")
                .containsEntry("MaxBurstLength", "Reject");
    }

    @Test
    void chapOneWay() {
        LoginNegotiator n = negotiator(Optional.of(ONE_WAY));
        LoginNegotiator.Step s = n.step(request(0, 1, true, first("AuthMethod", "CHAP,None")));
        assertThat(answer(s)).containsEntry("AuthMethod", "CHAP");
        assertThat(s.response().finalBit()).as("no transit before authentication").isFalse();
        s = n.step(request(0, 1, true, keys("CHAP_A", "7,5")));
        Map<String, String> c = answer(s);
        assertThat(c).containsEntry("CHAP_A", "5");
        int id = Integer.parseInt(c.get("CHAP_I"));
        byte[] challenge = Chap.decode(c.get("CHAP_C"));
        assertThat(challenge).hasSize(16);
        s = n.step(request(0, 1, true, keys("CHAP_N", "alice", "CHAP_R",
                Chap.hex(Chap.response(id, "alice-secret-1", challenge)))));
        assertThat(status(s)).isZero();
        assertThat(s.response().finalBit()).isTrue();
        assertThat(s.response().flags() & 3).as("NSG").isEqualTo(1);
        s = n.step(request(1, 3, true, keys("MaxRecvDataSegmentLength", "8192")));
        assertThat(s.outcome()).isEqualTo(LoginNegotiator.Outcome.FULL_FEATURE);
    }

    @Test
    void chapWrongSecretWrongNameOrSkippedIsAnAuthenticationFailure() {
        for (String[] attempt : new String[][] {{"alice", "wrong-secret-9"}, {"mallory", "alice-secret-1"}}) {
            LoginNegotiator n = negotiator(Optional.of(ONE_WAY));
            n.step(request(0, 1, false, first("AuthMethod", "CHAP")));
            Map<String, String> c = answer(n.step(request(0, 1, false, keys("CHAP_A", "5"))));
            LoginNegotiator.Step s = n.step(request(0, 1, true, keys("CHAP_N", attempt[0], "CHAP_R",
                    Chap.hex(Chap.response(Integer.parseInt(c.get("CHAP_I")), attempt[1],
                            Chap.decode(c.get("CHAP_C")))))));
            assertThat(status(s)).isEqualTo(LoginNegotiator.AUTH_FAILURE);
            assertThat(s.outcome()).isEqualTo(LoginNegotiator.Outcome.CLOSE);
        }
        LoginNegotiator skip = negotiator(Optional.of(ONE_WAY));
        assertThat(status(skip.step(request(1, 3, true, first())))).isEqualTo(LoginNegotiator.AUTH_FAILURE);
        LoginNegotiator noneOnly = negotiator(Optional.of(ONE_WAY));
        assertThat(status(noneOnly.step(request(0, 1, true, first("AuthMethod", "None")))))
                .isEqualTo(LoginNegotiator.AUTH_FAILURE);
        LoginNegotiator sha = negotiator(Optional.of(ONE_WAY));
        sha.step(request(0, 1, false, first("AuthMethod", "CHAP")));
        assertThat(status(sha.step(request(0, 1, false, keys("CHAP_A", "7"))))).isEqualTo(LoginNegotiator.AUTH_FAILURE);
    }

    @Test
    void mutualChapAnswersTheInitiatorsChallengeAndRefusesAReflectedOne() {
        LoginNegotiator n = negotiator(Optional.of(MUTUAL));
        n.step(request(0, 1, false, first("AuthMethod", "CHAP")));
        Map<String, String> c = answer(n.step(request(0, 1, false, keys("CHAP_A", "5"))));
        int id = Integer.parseInt(c.get("CHAP_I"));
        byte[] challenge = Chap.decode(c.get("CHAP_C"));
        byte[] mine = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        LoginNegotiator.Step s = n.step(request(0, 1, true, keys("CHAP_N", "alice", "CHAP_R",
                Chap.hex(Chap.response(id, "alice-secret-1", challenge)), "CHAP_I", "77", "CHAP_C", Chap.hex(mine))));
        assertThat(status(s)).isZero();
        assertThat(answer(s)).containsEntry("CHAP_N", "duplex")
                .containsEntry("CHAP_R", Chap.hex(Chap.response(77, "target-secret-2", mine)));

        LoginNegotiator r = negotiator(Optional.of(MUTUAL));
        r.step(request(0, 1, false, first("AuthMethod", "CHAP")));
        Map<String, String> c2 = answer(r.step(request(0, 1, false, keys("CHAP_A", "5"))));
        int id2 = Integer.parseInt(c2.get("CHAP_I"));
        LoginNegotiator.Step reflected = r.step(request(0, 1, true, keys("CHAP_N", "alice", "CHAP_R",
                Chap.hex(Chap.response(id2, "alice-secret-1", Chap.decode(c2.get("CHAP_C")))), "CHAP_I", "1",
                "CHAP_C", c2.get("CHAP_C"))));
        assertThat(status(reflected)).isEqualTo(LoginNegotiator.AUTH_FAILURE);

        LoginNegotiator oneWay = negotiator(Optional.of(ONE_WAY));
        oneWay.step(request(0, 1, false, first("AuthMethod", "CHAP")));
        Map<String, String> c3 = answer(oneWay.step(request(0, 1, false, keys("CHAP_A", "5"))));
        assertThat(status(oneWay.step(request(0, 1, true, keys("CHAP_N", "alice", "CHAP_R",
                Chap.hex(Chap.response(Integer.parseInt(c3.get("CHAP_I")), "alice-secret-1",
                        Chap.decode(c3.get("CHAP_C")))), "CHAP_I", "1", "CHAP_C", Chap.hex(mine))))))
                .as("mutual CHAP asked of a target without target.secret").isEqualTo(LoginNegotiator.AUTH_FAILURE);
    }

    @Test
    void refusals() {
        assertThat(status(negotiator(Optional.empty()).step(request(0, 3, true, keys("SessionType", "Normal",
                "TargetName", IQN))))).isEqualTo(LoginNegotiator.MISSING_PARAMETER);
        assertThat(status(negotiator(Optional.empty()).step(request(0, 3, true, keys("InitiatorName", "iqn.x",
                "SessionType", "Normal"))))).isEqualTo(LoginNegotiator.MISSING_PARAMETER);
        Map<String, String> other = first();
        other.put("TargetName", "iqn.2026-12.org.duplex:nope");
        assertThat(status(negotiator(Optional.empty()).step(request(0, 3, true, other))))
                .isEqualTo(LoginNegotiator.NOT_FOUND);
        Pdu v = request(0, 3, true, first("AuthMethod", "None"));
        v.u8(3, 2); // Version-min 2
        assertThat(status(negotiator(Optional.empty()).step(v))).isEqualTo(LoginNegotiator.UNSUPPORTED_VERSION);
        Pdu tsih = request(0, 3, true, first("AuthMethod", "None"));
        tsih.u16(14, 7);
        assertThat(status(negotiator(Optional.empty()).step(tsih))).isEqualTo(LoginNegotiator.SESSION_DOES_NOT_EXIST);
        Pdu malformed = Pdu.of(Opcode.LOGIN_REQUEST, "no-equals-sign\0".getBytes());
        malformed.u8(1, 0x83);
        assertThat(status(negotiator(Optional.empty()).step(malformed))).isEqualTo(LoginNegotiator.INITIATOR_ERROR);
        assertThat(status(negotiator(Optional.empty()).step(request(0, 2, true, first("AuthMethod", "None")))))
                .as("NSG 2 is reserved").isEqualTo(LoginNegotiator.INVALID_REQUEST);
    }

    @Test
    void aSecondaryRefusesLoginsSoInitiatorsFollowThePrimary() {
        dev.standby("volume vol1 is SECONDARY on this node; the primary serves it");
        LoginNegotiator.Step s = negotiator(Optional.empty()).step(request(0, 3, true, first("AuthMethod", "None")));
        assertThat(status(s)).isEqualTo(LoginNegotiator.SERVICE_UNAVAILABLE);
        assertThat(s.outcome()).isEqualTo(LoginNegotiator.Outcome.CLOSE);
        assertThat(s.reason()).contains("SECONDARY");
        // discovery still answers (the initiator learns the target exists and retries through the VIP)
        assertThat(negotiator(Optional.empty()).step(request(0, 3, true, keys("InitiatorName", "iqn.x",
                "SessionType", "Discovery", "AuthMethod", "None"))).outcome())
                .isEqualTo(LoginNegotiator.Outcome.FULL_FEATURE);
    }

    @Test
    void continuedTextIsGatheredBeforeItIsParsed() {
        LoginNegotiator n = negotiator(Optional.empty());
        byte[] all = TextParameters.encode(first("AuthMethod", "None"));
        Pdu a = Pdu.of(Opcode.LOGIN_REQUEST, java.util.Arrays.copyOf(all, 10));
        a.u8(1, 0x40); // C, CSG 0
        LoginNegotiator.Step s = n.step(a);
        assertThat(s.outcome()).isEqualTo(LoginNegotiator.Outcome.CONTINUE);
        assertThat(s.response().data()).isEmpty();
        Pdu b = Pdu.of(Opcode.LOGIN_REQUEST, java.util.Arrays.copyOfRange(all, 10, all.length));
        b.u8(1, 0x83);
        assertThat(n.step(b).outcome()).isEqualTo(LoginNegotiator.Outcome.FULL_FEATURE);
    }
}
